package main

import (
	"strings"
	"testing"
)

const goodDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: web:1
          ports: [{name: http, containerPort: 80}]
          readinessProbe: {httpGet: {path: /readyz, port: http}}
`

func problemsOf(t *testing.T, docs ...string) string {
	t.Helper()
	_, problems := validate([]byte(strings.Join(docs, "\n---\n")))
	return strings.Join(problems, "\n")
}

func TestAcceptsAValidDeployment(t *testing.T) {
	if p := problemsOf(t, goodDeployment); p != "" {
		t.Fatalf("unexpected problems:\n%s", p)
	}
}

func TestRejectsBrokenObjects(t *testing.T) {
	cases := map[string]struct{ doc, want string }{
		"unknown field":  {strings.Replace(goodDeployment, "image: web:1", "image: web:1\n          imagePullPolcy: Always", 1), "unknown field"},
		"wrong type":     {strings.Replace(goodDeployment, "containerPort: 80", "containerPort: eighty", 1), "containerPort"},
		"unknown kind":   {"apiVersion: apps/v1\nkind: Deploymnt\nmetadata: {name: x}\n", "no kind"},
		"selector":       {strings.Replace(goodDeployment, "matchLabels: {app: web}", "matchLabels: {app: api}", 1), "selector does not match"},
		"probe port":     {strings.Replace(goodDeployment, "port: http}", "port: web}", 1), "probe port"},
		"orphan service": {"apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: nothing}, ports: [{port: 80}]}\n", "matches no workload"},
		"cassdc typo": {`apiVersion: cassandra.datastax.com/v1beta1
kind: CassandraDatacenter
metadata: {name: dc1}
spec: {clusterName: c, serverType: cassandra, serverVersion: 5.0.8, size: 3, sotrageConfig: {}}
`, "unknown field"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if p := problemsOf(t, c.doc); !strings.Contains(p, c.want) {
				t.Fatalf("want a problem containing %q, got:\n%s", c.want, p)
			}
		})
	}
}
