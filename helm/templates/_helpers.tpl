{{/*
Expand the name of the chart.
*/}}
{{- define "egress-ratelimit.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name, truncated to 63 characters because some Kubernetes
name fields are limited to that (DNS label).
If the release name contains the chart name it is used as the full name.
*/}}
{{- define "egress-ratelimit.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version as used by the chart label.
*/}}
{{- define "egress-ratelimit.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "egress-ratelimit.labels" -}}
helm.sh/chart: {{ include "egress-ratelimit.chart" . }}
{{ include "egress-ratelimit.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ include "egress-ratelimit.name" . }}
{{- end }}

{{/*
Selector labels: every pod of the release carries them (the default-deny NetworkPolicy selects by them).
*/}}
{{- define "egress-ratelimit.selectorLabels" -}}
app.kubernetes.io/name: {{ include "egress-ratelimit.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Create the name of the service account to use.
*/}}
{{- define "egress-ratelimit.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "egress-ratelimit.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The name of one part of the release, e.g. "<fullname>-envoy". The fullname is cut first so that
the suffix survives the 63-character limit and two parts never collide.
Usage: include "egress-ratelimit.componentName" (list . "envoy")
*/}}
{{- define "egress-ratelimit.componentName" -}}
{{- $ctx := index . 0 }}
{{- $component := index . 1 }}
{{- $prefix := include "egress-ratelimit.fullname" $ctx | trunc (int (sub 62 (len $component))) | trimSuffix "-" }}
{{- printf "%s-%s" $prefix $component }}
{{- end }}

{{/*
Labels of one part of the release.
Usage: include "egress-ratelimit.componentLabels" (list . "envoy")
*/}}
{{- define "egress-ratelimit.componentLabels" -}}
{{ include "egress-ratelimit.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/*
Selector labels of one part of the release.
Usage: include "egress-ratelimit.componentSelectorLabels" (list . "envoy")
*/}}
{{- define "egress-ratelimit.componentSelectorLabels" -}}
{{ include "egress-ratelimit.selectorLabels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/*
Image reference; the tag defaults to the chart appVersion.
Usage: include "egress-ratelimit.image" (list . .Values.ratelimit.image)
*/}}
{{- define "egress-ratelimit.image" -}}
{{- $ctx := index . 0 }}
{{- $image := index . 1 }}
{{- printf "%s:%s" $image.repository (default $ctx.Chart.AppVersion $image.tag) }}
{{- end }}

{{/*
Pod-level security settings of the restricted Pod Security Standard, shared by every pod.
*/}}
{{- define "egress-ratelimit.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Container-level security settings of the restricted Pod Security Standard, for every container
(init containers included).
*/}}
{{- define "egress-ratelimit.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Pod spec fields shared by every pod: no API token, the restricted security context, pull secrets.
*/}}
{{- define "egress-ratelimit.podDefaults" -}}
serviceAccountName: {{ include "egress-ratelimit.serviceAccountName" . }}
automountServiceAccountToken: false
securityContext:
  {{- include "egress-ratelimit.podSecurityContext" . | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
Container resources; an empty CPU limit is left out (no CPU throttling by default).
*/}}
{{- define "egress-ratelimit.resources" -}}
requests:
  cpu: {{ .requests.cpu | quote }}
  memory: {{ .requests.memory | quote }}
limits:
  {{- if .limits.cpu }}
  cpu: {{ .limits.cpu | quote }}
  {{- end }}
  memory: {{ .limits.memory | quote }}
{{- end }}

{{/*
The writable /tmp every container gets, since the root filesystem is read-only.
*/}}
{{- define "egress-ratelimit.tmpVolume" -}}
- name: tmp
  emptyDir:
    medium: Memory
    sizeLimit: 64Mi
{{- end }}

{{- define "egress-ratelimit.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end }}

{{/* Names of the parts, in one place. */}}
{{- define "egress-ratelimit.ratelimit.name" -}}{{ include "egress-ratelimit.componentName" (list . "ratelimit") }}{{- end }}
{{- define "egress-ratelimit.redis.name" -}}{{ include "egress-ratelimit.componentName" (list . "redis") }}{{- end }}
{{- define "egress-ratelimit.envoy.name" -}}{{ include "egress-ratelimit.componentName" (list . "envoy") }}{{- end }}
{{- define "egress-ratelimit.loadgen.name" -}}{{ include "egress-ratelimit.componentName" (list . "loadgen") }}{{- end }}
{{- define "egress-ratelimit.stub.name" -}}{{ include "egress-ratelimit.componentName" (list . "stub-upstream") }}{{- end }}

{{/*
Where the service finds Redis: the in-release StatefulSet, or redis.external.url.
*/}}
{{- define "egress-ratelimit.redis.url" -}}
{{- if .Values.redis.enabled }}
{{- printf "redis://%s:6379" (include "egress-ratelimit.redis.name" .) }}
{{- else }}
{{- required "redis.external.url is required when redis.enabled is false" .Values.redis.external.url }}
{{- end }}
{{- end }}

{{/*
The Secret and key holding the Redis password.
*/}}
{{- define "egress-ratelimit.redis.secretName" -}}
{{- default (include "egress-ratelimit.redis.name" .) .Values.redis.auth.existingSecret }}
{{- end }}

{{- define "egress-ratelimit.redis.secretKey" -}}
{{- if .Values.redis.auth.existingSecret }}
{{- .Values.redis.auth.existingSecretKey }}
{{- else -}}
redis-password
{{- end }}
{{- end }}

{{/*
Whether the service uses a Redis password at all: always with the in-release Redis; with an
external Redis only when a password or an existing Secret is given.
*/}}
{{- define "egress-ratelimit.redis.authEnabled" -}}
{{- if or .Values.redis.enabled .Values.redis.auth.password .Values.redis.auth.existingSecret }}true{{ end }}
{{- end }}

{{/*
The Secret and key holding the API key.
*/}}
{{- define "egress-ratelimit.apiKey.secretName" -}}
{{- default (include "egress-ratelimit.loadgen.name" .) .Values.loadgen.apiKey.existingSecret }}
{{- end }}

{{- define "egress-ratelimit.apiKey.secretKey" -}}
{{- if .Values.loadgen.apiKey.existingSecret }}
{{- .Values.loadgen.apiKey.existingSecretKey }}
{{- else -}}
api-key
{{- end }}
{{- end }}

{{/*
The RLQS assignment time to live, refused unless it outlasts Envoy 1.40's report interval (5s, whatever
reporting_interval says) plus the delivery allowance: a shorter one lets every share expire before
its renewal arrives, so Envoys deny between the two and every share is paid anew (docs/rlqs.md).
*/}}
{{- define "egress-ratelimit.rlqs.assignmentTtl" -}}
{{- $ttl := .Values.ratelimit.rlqs.assignmentTtl -}}
{{- $delivery := .Values.ratelimit.rlqs.deliveryAllowance -}}
{{- $deliveryMillis := 0 -}}
{{- if hasSuffix "ms" $delivery -}}
{{- $deliveryMillis = trimSuffix "ms" $delivery | int64 -}}
{{- else if hasSuffix "s" $delivery -}}
{{- $deliveryMillis = mul (trimSuffix "s" $delivery | int64) 1000 -}}
{{- else if hasSuffix "m" $delivery -}}
{{- $deliveryMillis = mul (trimSuffix "m" $delivery | int64) 60000 -}}
{{- else if hasSuffix "h" $delivery -}}
{{- $deliveryMillis = mul (trimSuffix "h" $delivery | int64) 3600000 -}}
{{- end -}}
{{- if le (mul (trimSuffix "s" $ttl | int64) 1000) (add 5000 $deliveryMillis) -}}
{{- fail (printf "ratelimit.rlqs.assignmentTtl %s must be longer than Envoy 1.40's 5s report interval plus ratelimit.rlqs.deliveryAllowance %s: a shorter one expires every RLQS share before its renewal arrives (docs/rlqs.md)" $ttl $delivery) -}}
{{- end -}}
{{- $ttl -}}
{{- end }}
