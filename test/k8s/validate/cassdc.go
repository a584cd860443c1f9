package main

// cass-operator's Go module is not served by the module proxy this project reaches, so its
// CassandraDatacenter type is pinned here: the subset of cassandra.datastax.com/v1beta1 fields
// that k8s/ uses, with the upstream JSON names. Decoding is strict, so a typo (or a real field
// not listed yet) fails; add fields here, with upstream's name and type, when k8s/ starts using them.

import (
	"encoding/json"
	"fmt"
	"regexp"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

const cassDCAPIVersion = "cassandra.datastax.com/v1beta1"

type CassandraDatacenter struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              CassandraDatacenterSpec `json:"spec"`
}

type CassandraDatacenterSpec struct {
	ClusterName            string                      `json:"clusterName"`
	DatacenterName         string                      `json:"datacenterName,omitempty"`
	ServerType             string                      `json:"serverType"`
	ServerVersion          string                      `json:"serverVersion"`
	ServerImage            string                      `json:"serverImage,omitempty"`
	Size                   int32                       `json:"size"`
	ReadOnlyRootFilesystem *bool                       `json:"readOnlyRootFilesystem,omitempty"`
	SuperuserSecretName    string                      `json:"superuserSecretName,omitempty"`
	Users                  []CassandraUser             `json:"users,omitempty"`
	ManagementAPIAuth      ManagementAPIAuthConfig     `json:"managementApiAuth,omitempty"`
	Racks                  []Rack                      `json:"racks,omitempty"`
	Resources              corev1.ResourceRequirements `json:"resources,omitempty"`
	StorageConfig          StorageConfig               `json:"storageConfig"`
	Config                 json.RawMessage             `json:"config,omitempty"` // free-form upstream too
	PodTemplateSpec        *corev1.PodTemplateSpec     `json:"podTemplateSpec,omitempty"`
	Tolerations            []corev1.Toleration         `json:"tolerations,omitempty"`
	AdditionalLabels       map[string]string           `json:"additionalLabels,omitempty"`
}

type CassandraUser struct {
	SecretName string `json:"secretName"`
	Superuser  bool   `json:"superuser"`
}

type ManagementAPIAuthConfig struct {
	Insecure *struct{} `json:"insecure,omitempty"`
	Manual   *struct {
		ClientSecretName     string `json:"clientSecretName"`
		ServerSecretName     string `json:"serverSecretName"`
		SkipSecretValidation bool   `json:"skipSecretValidation,omitempty"`
	} `json:"manual,omitempty"`
}

type Rack struct {
	Name               string            `json:"name"`
	NodeAffinityLabels map[string]string `json:"nodeAffinityLabels,omitempty"`
	Affinity           *corev1.Affinity  `json:"affinity,omitempty"`
}

type StorageConfig struct {
	CassandraDataVolumeClaimSpec *corev1.PersistentVolumeClaimSpec `json:"cassandraDataVolumeClaimSpec"`
}

var serverVersion = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

// decodeCassandraDatacenter mirrors the CRD's structural schema and the operator's webhook checks
// that matter here.
func decodeCassandraDatacenter(doc []byte) (*CassandraDatacenter, error) {
	var dc CassandraDatacenter
	if err := yaml.UnmarshalStrict(doc, &dc); err != nil {
		return nil, fmt.Errorf("CassandraDatacenter (pinned schema): %w", err)
	}
	s := dc.Spec
	switch {
	case s.ClusterName == "":
		return nil, fmt.Errorf("spec.clusterName is required")
	case s.ServerType != "cassandra" && s.ServerType != "dse" && s.ServerType != "hcd":
		return nil, fmt.Errorf("spec.serverType %q is not cassandra, dse or hcd", s.ServerType)
	case !serverVersion.MatchString(s.ServerVersion):
		return nil, fmt.Errorf("spec.serverVersion %q is not x.y.z", s.ServerVersion)
	case s.Size < 1:
		return nil, fmt.Errorf("spec.size must be at least 1")
	case s.StorageConfig.CassandraDataVolumeClaimSpec == nil:
		return nil, fmt.Errorf("spec.storageConfig.cassandraDataVolumeClaimSpec is required")
	case s.ManagementAPIAuth.Insecure != nil && s.ManagementAPIAuth.Manual != nil:
		return nil, fmt.Errorf("spec.managementApiAuth: choose insecure or manual")
	}
	seen := map[string]bool{}
	for _, r := range s.Racks {
		if r.Name == "" || seen[r.Name] {
			return nil, fmt.Errorf("spec.racks: empty or duplicate rack name %q", r.Name)
		}
		seen[r.Name] = true
	}
	for _, u := range s.Users {
		if u.SecretName == "" {
			return nil, fmt.Errorf("spec.users: secretName is required")
		}
	}
	return &dc, nil
}
