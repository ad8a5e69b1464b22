package io.egressratelimit.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A pod as some workload will create it: its owner, labels, annotations and spec. */
record PodTemplate(String owner, Map<String, String> labels, Map<String, String> annotations, PodSpec spec) {

  /** The pod template of a workload or a bare Pod; empty for anything that makes no pods. */
  static Optional<PodTemplate> of(HasMetadata resource) {
    String owner = resource.getKind() + "/" + resource.getMetadata().getName();
    if (resource instanceof Pod pod) {
      return Optional.of(of(owner, pod.getMetadata(), pod.getSpec()));
    }
    PodTemplateSpec template = null;
    if (resource instanceof Deployment deployment) {
      template = deployment.getSpec().getTemplate();
    } else if (resource instanceof StatefulSet statefulSet) {
      template = statefulSet.getSpec().getTemplate();
    } else if (resource instanceof DaemonSet daemonSet) {
      template = daemonSet.getSpec().getTemplate();
    } else if (resource instanceof Job job) {
      template = job.getSpec().getTemplate();
    } else if (resource instanceof CronJob cronJob) {
      template = cronJob.getSpec().getJobTemplate().getSpec().getTemplate();
    }
    return Optional.ofNullable(template).map(t -> of(owner, t.getMetadata(), t.getSpec()));
  }

  private static PodTemplate of(String owner, ObjectMeta metadata, PodSpec spec) {
    ObjectMeta meta = metadata == null ? new ObjectMeta() : metadata;
    return new PodTemplate(owner, meta.getLabels(), meta.getAnnotations(), spec);
  }

  /** Init containers, then containers; ephemeral containers are checked separately. */
  List<Container> allContainers() {
    List<Container> all = new ArrayList<>(spec.getInitContainers());
    all.addAll(spec.getContainers());
    return all;
  }

  String component() {
    return labels.getOrDefault("app.kubernetes.io/component", "?");
  }
}
