package main

// Cross-object checks: things that decode fine one by one but break once applied (a Service
// selecting no pod, a missing ConfigMap key, an HPA aimed at nothing, a probe on an unnamed port).

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

type workload struct {
	id       string
	selector *metav1.LabelSelector // nil for Jobs/CronJobs
	tmpl     corev1.PodTemplateSpec
	claims   []string // StatefulSet volumeClaimTemplates, mountable like volumes
}

func crossCheck(objs []object) []string {
	var p []string
	bad := func(o object, format string, args ...any) {
		p = append(p, fmt.Sprintf("%s/%s: %s", o.kind, o.name, fmt.Sprintf(format, args...)))
	}
	configMaps := map[string]map[string]bool{}
	services := map[string]*corev1.Service{}
	kinds := map[string]bool{}
	var workloads []workload
	for _, o := range objs {
		kinds[o.kind+"/"+o.name] = true
		for _, e := range validation.IsDNS1123Subdomain(o.name) {
			bad(o, "name: %s", e)
		}
		switch v := o.obj.(type) {
		case *corev1.ConfigMap:
			keys := map[string]bool{}
			for k := range v.Data {
				keys[k] = true
			}
			configMaps[v.Name] = keys
		case *corev1.Service:
			services[v.Name] = v
			for _, e := range validation.IsDNS1035Label(v.Name) {
				bad(o, "Service name: %s", e)
			}
		case *appsv1.Deployment:
			workloads = append(workloads, workload{"Deployment/" + v.Name, v.Spec.Selector, v.Spec.Template, nil})
		case *appsv1.StatefulSet:
			workloads = append(workloads, workload{"StatefulSet/" + v.Name, v.Spec.Selector, v.Spec.Template, claimNames(v)})
		case *batchv1.CronJob:
			workloads = append(workloads, workload{"CronJob/" + v.Name, nil, v.Spec.JobTemplate.Spec.Template, nil})
		}
	}

	for _, w := range workloads {
		wbad := func(f string, a ...any) { p = append(p, w.id+": "+fmt.Sprintf(f, a...)) }
		for _, e := range metav1validation.ValidateLabels(w.tmpl.Labels, field.NewPath("labels")) {
			wbad("%v", e)
		}
		if w.selector != nil {
			sel, err := metav1.LabelSelectorAsSelector(w.selector)
			if err != nil || sel.Empty() || !sel.Matches(labels.Set(w.tmpl.Labels)) {
				wbad("selector does not match the pod template labels")
			}
		}
		checkPodSpec(w.tmpl.Spec, w.claims, configMaps, wbad)
	}

	for _, o := range objs {
		switch v := o.obj.(type) {
		case *corev1.Service:
			checkService(v, workloads, func(f string, a ...any) { bad(o, f, a...) })
		case *autoscalingv2.HorizontalPodAutoscaler:
			if !kinds[v.Spec.ScaleTargetRef.Kind+"/"+v.Spec.ScaleTargetRef.Name] {
				bad(o, "scaleTargetRef %s/%s not found", v.Spec.ScaleTargetRef.Kind, v.Spec.ScaleTargetRef.Name)
			}
			if v.Spec.MinReplicas != nil && *v.Spec.MinReplicas > v.Spec.MaxReplicas {
				bad(o, "minReplicas > maxReplicas")
			}
		case *policyv1.PodDisruptionBudget:
			if len(matching(v.Spec.Selector, workloads)) == 0 {
				bad(o, "selector matches no workload")
			}
		case *networkingv1.NetworkPolicy:
			if _, err := metav1.LabelSelectorAsSelector(&v.Spec.PodSelector); err != nil {
				bad(o, "podSelector: %v", err)
			}
		case *networkingv1.Ingress:
			for _, r := range v.Spec.Rules {
				for _, path := range r.HTTP.Paths {
					s := path.Backend.Service
					if s == nil || services[s.Name] == nil || !servicePortExists(services[s.Name], s.Port) {
						bad(o, "backend for %s names no existing Service port", path.Path)
					}
				}
			}
		case *appsv1.StatefulSet:
			if services[v.Spec.ServiceName] == nil {
				bad(o, "serviceName %q is not a Service here", v.Spec.ServiceName)
			}
		}
	}
	return p
}

func checkPodSpec(spec corev1.PodSpec, claims []string, configMaps map[string]map[string]bool, bad func(string, ...any)) {
	volumes := map[string]bool{}
	for _, c := range claims {
		volumes[c] = true
	}
	for _, v := range spec.Volumes {
		volumes[v.Name] = true
	}
	all := append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...)
	for _, c := range all {
		if c.Image == "" {
			bad("container %s: no image", c.Name)
		}
		ports := map[string]bool{}
		for _, port := range c.Ports {
			if port.Name != "" {
				for _, e := range validation.IsValidPortName(port.Name) {
					bad("container %s port %s: %s", c.Name, port.Name, e)
				}
				ports[port.Name] = true
			}
		}
		for _, pr := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
			if pr == nil {
				continue
			}
			var port *intstr.IntOrString
			switch {
			case pr.HTTPGet != nil:
				port = &pr.HTTPGet.Port
			case pr.TCPSocket != nil:
				port = &pr.TCPSocket.Port
			case pr.Exec == nil && pr.GRPC == nil:
				bad("container %s: probe without a handler", c.Name)
			}
			if port != nil && port.Type == intstr.String && !ports[port.StrVal] {
				bad("container %s: probe port %q is not a named container port", c.Name, port.StrVal)
			}
		}
		for name, limit := range c.Resources.Limits {
			if req, ok := c.Resources.Requests[name]; ok && req.Cmp(limit) > 0 {
				bad("container %s: %s request exceeds its limit", c.Name, name)
			}
		}
		for _, m := range c.VolumeMounts {
			if !volumes[m.Name] {
				bad("container %s: volumeMount %s has no volume", c.Name, m.Name)
			}
		}
		for _, ef := range c.EnvFrom {
			if ef.ConfigMapRef != nil && configMaps[ef.ConfigMapRef.Name] == nil {
				bad("container %s: envFrom ConfigMap %s not rendered", c.Name, ef.ConfigMapRef.Name)
			}
		}
		for _, e := range c.Env {
			if ref := e.ValueFrom; ref != nil && ref.ConfigMapKeyRef != nil {
				if !configMaps[ref.ConfigMapKeyRef.Name][ref.ConfigMapKeyRef.Key] {
					bad("container %s: env %s refers to missing ConfigMap key", c.Name, e.Name)
				}
			}
		}
	}
}

func checkService(s *corev1.Service, workloads []workload, bad func(string, ...any)) {
	if len(s.Spec.Selector) == 0 {
		return
	}
	var pods []workload
	for _, w := range workloads {
		if labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(w.tmpl.Labels)) {
			pods = append(pods, w)
		}
	}
	if len(pods) == 0 {
		bad("selector matches no workload")
		return
	}
	for _, sp := range s.Spec.Ports {
		if sp.TargetPort.Type != intstr.String {
			continue
		}
		for _, w := range pods {
			if !namedPort(w.tmpl.Spec, sp.TargetPort.StrVal) {
				bad("targetPort %q not a named port of %s", sp.TargetPort.StrVal, w.id)
			}
		}
	}
}

func namedPort(spec corev1.PodSpec, name string) bool {
	for _, c := range spec.Containers {
		for _, p := range c.Ports {
			if p.Name == name {
				return true
			}
		}
	}
	return false
}

func servicePortExists(s *corev1.Service, port networkingv1.ServiceBackendPort) bool {
	for _, sp := range s.Spec.Ports {
		if (port.Name != "" && sp.Name == port.Name) || (port.Number != 0 && sp.Port == port.Number) {
			return true
		}
	}
	return false
}

func matching(sel *metav1.LabelSelector, workloads []workload) []workload {
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil || s.Empty() {
		return nil
	}
	var out []workload
	for _, w := range workloads {
		if s.Matches(labels.Set(w.tmpl.Labels)) {
			out = append(out, w)
		}
	}
	return out
}

func claimNames(s *appsv1.StatefulSet) []string {
	var names []string
	for _, c := range s.Spec.VolumeClaimTemplates {
		names = append(names, c.Name)
	}
	return names
}
