#!/usr/bin/env bash
# Runs the whole system on a local Kubernetes cluster: creates the cluster (kind, or minikube),
# builds the two images with Jib and loads them, applies the restricted namespace and installs
# the Helm chart, then runs its helm test and shows how to watch the 429s.
#
# ./setup.sh k8s passes its arguments here.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly NAMESPACE="egress-ratelimit"
readonly RELEASE="egress-ratelimit"
readonly API_KEY_SECRET="geocode-api-key"

DRY_RUN=false
CLUSTER_TOOL=""
CLUSTER_NAME="egress-ratelimit"
API_KEY_FILE=""
DELETE=false

usage() {
  cat <<'EOF'
Usage: ./setup.sh k8s [options]

Creates a local cluster, builds and loads the images, installs the chart and runs its test.

Options:
  --dry-run              print every step instead of running it
  --cluster kind|minikube
                         the local cluster tool (default: kind if installed, else minikube)
  --name NAME            cluster name (default: egress-ratelimit)
  --api-key-file FILE    file holding a real Geocoding API key; without it (and without
                         GEOCODE_API_KEY in the environment) Envoy sends the admitted calls
                         to an in-cluster stub upstream instead of Google
  --delete               delete the cluster and stop
  -h, --help             show this help

Needs: docker, kind or minikube, kubectl, helm, and Java 17 with Maven to build the images.
EOF
}

die() {
  echo "k8s: $*" >&2
  exit 1
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --dry-run) DRY_RUN=true ;;
    --cluster)
      [[ $# -ge 2 ]] || die "--cluster needs a value: kind or minikube"
      CLUSTER_TOOL="$2"
      shift
      ;;
    --name)
      [[ $# -ge 2 ]] || die "--name needs a value"
      CLUSTER_NAME="$2"
      shift
      ;;
    --api-key-file)
      [[ $# -ge 2 ]] || die "--api-key-file needs a file"
      API_KEY_FILE="$2"
      shift
      ;;
    --delete) DELETE=true ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done

# Prints a command the way it would be typed, then runs it unless this is a dry run.
run() {
  local arg
  printf '+'
  for arg in "$@"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then
      printf ' %s' "$arg"
    else
      printf ' %q' "$arg"
    fi
  done
  printf '\n'
  if [[ "$DRY_RUN" == false ]]; then
    "$@"
  fi
}

have() {
  command -v "$1" >/dev/null 2>&1
}

choose_cluster_tool() {
  if [[ -z "$CLUSTER_TOOL" ]]; then
    if have kind; then
      CLUSTER_TOOL=kind
    elif have minikube; then
      CLUSTER_TOOL=minikube
    else
      CLUSTER_TOOL=kind
    fi
  fi
  case "$CLUSTER_TOOL" in
    kind | minikube) ;;
    *) die "--cluster must be kind or minikube, not '$CLUSTER_TOOL'" ;;
  esac
}

# Names every missing tool with where to get it; a dry run only warns.
check_tools() {
  local missing=()
  local tool
  for tool in docker "$CLUSTER_TOOL" kubectl helm java mvn; do
    if ! have "$tool"; then
      case "$tool" in
        docker) missing+=("docker (https://docs.docker.com/engine/install/)") ;;
        kind) missing+=("kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), or use --cluster minikube") ;;
        minikube) missing+=("minikube (https://minikube.sigs.k8s.io/docs/start/), or use --cluster kind") ;;
        kubectl) missing+=("kubectl (https://kubernetes.io/docs/tasks/tools/)") ;;
        helm) missing+=("helm 3 (https://helm.sh/docs/intro/install/)") ;;
        java) missing+=("java 17 (e.g. apt-get install openjdk-17-jdk-headless)") ;;
        mvn) missing+=("mvn 3.8+ (e.g. apt-get install maven)") ;;
      esac
    fi
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    local line
    {
      echo "k8s: missing tools:"
      for line in "${missing[@]}"; do
        echo "  - $line"
      done
    } >&2
    if [[ "$DRY_RUN" == false ]]; then
      exit 1
    fi
    echo "k8s: (dry run: printing the steps anyway)" >&2
  elif [[ "$DRY_RUN" == false ]] && ! docker info >/dev/null 2>&1; then
    die "docker is installed but its engine does not answer (is the daemon running, may this user use it?)"
  fi
}

app_version() {
  sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$ROOT/helm/Chart.yaml"
}

cluster_exists() {
  if [[ "$CLUSTER_TOOL" == kind ]]; then
    have kind && kind get clusters 2>/dev/null | grep -qx "$CLUSTER_NAME"
  else
    have minikube && minikube -p "$CLUSTER_NAME" status >/dev/null 2>&1
  fi
}

create_cluster() {
  echo "== cluster: $CLUSTER_TOOL '$CLUSTER_NAME'"
  if cluster_exists; then
    echo "   already running"
  elif [[ "$CLUSTER_TOOL" == kind ]]; then
    # kindnet enforces NetworkPolicies (kind 0.24 and later).
    run kind create cluster --name "$CLUSTER_NAME" --wait 120s
  else
    # minikube's default network does not enforce NetworkPolicies; Calico does.
    run minikube start -p "$CLUSTER_NAME" --cni=calico
  fi
  if [[ "$CLUSTER_TOOL" == kind ]]; then
    run kubectl config use-context "kind-$CLUSTER_NAME"
  else
    run kubectl config use-context "$CLUSTER_NAME"
  fi
}

build_and_load_images() {
  local version image
  version="$(app_version)"
  [[ -n "$version" ]] || die "no appVersion in helm/Chart.yaml"
  echo "== images: egress-ratelimit/ratelimit-service:$version, egress-ratelimit/loadgen:$version"
  # jib:dockerBuild needs no Dockerfile; it hands the image to the local Docker engine.
  run mvn -B -q -f "$ROOT/pom.xml" -pl ratelimit-service,loadgen -am -DskipTests package jib:dockerBuild
  for image in "egress-ratelimit/ratelimit-service:$version" "egress-ratelimit/loadgen:$version"; do
    if [[ "$CLUSTER_TOOL" == kind ]]; then
      run kind load docker-image "$image" --name "$CLUSTER_NAME"
    else
      run minikube -p "$CLUSTER_NAME" image load "$image"
    fi
  done
}

# Puts the API key in a Secret without it ever being printed or passed on a command line.
create_api_key_secret() {
  local source
  if [[ -n "$API_KEY_FILE" ]]; then
    [[ "$DRY_RUN" == true || -r "$API_KEY_FILE" ]] || die "cannot read the API key file '$API_KEY_FILE'"
    source="--from-file=api-key=$API_KEY_FILE"
  else
    source="--from-env-file=/dev/stdin"
  fi
  echo "+ kubectl -n $NAMESPACE create secret generic $API_KEY_SECRET $source --dry-run=client -o yaml | kubectl apply -f -"
  if [[ "$DRY_RUN" == true ]]; then
    return
  fi
  if [[ -n "$API_KEY_FILE" ]]; then
    kubectl -n "$NAMESPACE" create secret generic "$API_KEY_SECRET" "$source" --dry-run=client -o yaml |
      kubectl apply -f -
  else
    printf 'api-key=%s\n' "$GEOCODE_API_KEY" |
      kubectl -n "$NAMESPACE" create secret generic "$API_KEY_SECRET" "$source" --dry-run=client -o yaml |
      kubectl apply -f -
  fi
}

install_chart() {
  local upstream_args=()
  echo "== namespace $NAMESPACE (restricted Pod Security) and release $RELEASE"
  run kubectl apply -f "$ROOT/manifests/namespace.yaml"
  if [[ -n "$API_KEY_FILE" || -n "${GEOCODE_API_KEY:-}" ]]; then
    create_api_key_secret
    upstream_args=(--set "loadgen.apiKey.existingSecret=$API_KEY_SECRET")
  else
    echo "   no API key given: Envoy sends the admitted calls to the in-cluster stub upstream"
    upstream_args=(--set stubUpstream.enabled=true)
  fi
  run helm upgrade --install "$RELEASE" "$ROOT/helm" --namespace "$NAMESPACE" \
    "${upstream_args[@]}" --wait --timeout 5m
  run helm test "$RELEASE" --namespace "$NAMESPACE" --logs
}

show_how_to_watch() {
  cat <<EOF

== Watch the budget at work
  kubectl -n $NAMESPACE logs -f --prefix -l app.kubernetes.io/component=loadgen   # "ok N  429 N" each second
  kubectl -n $NAMESPACE port-forward deploy/$RELEASE-envoy 9901:9901 &
  curl -s localhost:9901/stats | grep -E 'ratelimit\.(ok|over_limit|error)'
  helm -n $NAMESPACE get notes $RELEASE      # every way to look, including the stub's own count
Remove it all with: ./setup.sh k8s --delete
EOF
}

delete_cluster() {
  if [[ "$CLUSTER_TOOL" == kind ]]; then
    run kind delete cluster --name "$CLUSTER_NAME"
  else
    run minikube delete -p "$CLUSTER_NAME"
  fi
}

main() {
  choose_cluster_tool
  if [[ "$DELETE" == true ]]; then
    delete_cluster
    return
  fi
  check_tools
  create_cluster
  build_and_load_images
  install_chart
  show_how_to_watch
}

main
