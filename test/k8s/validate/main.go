// Command k8s-validate checks rendered kustomize output without a cluster:
//
//  1. every document decodes strictly into the Kubernetes API types registered in client-go's
//     scheme (unknown kinds, unknown or duplicate fields and wrong types are errors), or, for
//     cass-operator's CassandraDatacenter, into the pinned subset in cassdc.go;
//  2. cross-object checks that the API server or a controller would trip over later
//     (see refs.go).
//
// Usage: k8s-validate rendered.yaml...
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

// object is one decoded document: a typed built-in object or a pinned custom resource.
type object struct {
	kind, namespace, name string
	obj                   any
}

var strict = serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: k8s-validate rendered.yaml...")
		os.Exit(2)
	}
	failed := false
	for _, path := range os.Args[1:] {
		objs, problems := validateFile(path)
		for _, p := range problems {
			fmt.Printf("  FAIL %s: %s\n", path, p)
		}
		if len(problems) > 0 {
			failed = true
			continue
		}
		fmt.Printf("  ok   %s: %d objects decode strictly and cross-reference cleanly\n", path, len(objs))
	}
	if failed {
		os.Exit(1)
	}
}

func validateFile(path string) ([]object, []string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, []string{err.Error()}
	}
	return validate(data)
}

// validate decodes every document in data and returns the objects and all problems found.
func validate(data []byte) ([]object, []string) {
	var objs []object
	var problems []string
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for i := 0; ; i++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return objs, append(problems, fmt.Sprintf("document %d: %v", i, err))
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		o, err := decode(doc)
		if err != nil {
			problems = append(problems, fmt.Sprintf("document %d (%s): %v", i, describe(doc), err))
		}
		if o.obj != nil { // strict errors still yield the object: keep cross-checks quiet about it
			objs = append(objs, o)
		}
	}
	return objs, append(problems, crossCheck(objs)...)
}

func decode(doc []byte) (object, error) {
	var meta struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	if err := yaml.Unmarshal(doc, &meta); err != nil {
		return object{}, err
	}
	o := object{kind: meta.Kind, namespace: meta.Metadata.Namespace, name: meta.Metadata.Name}
	if meta.APIVersion == cassDCAPIVersion && meta.Kind == "CassandraDatacenter" {
		dc, err := decodeCassandraDatacenter(doc)
		if dc != nil {
			o.obj = dc
		}
		return o, err
	}
	obj, _, err := strict.Decode(doc, nil, nil)
	if err != nil {
		if runtime.IsStrictDecodingError(err) { // unknown or duplicate fields
			o.obj = obj
		}
		return o, err
	}
	if _, ok := obj.(*runtime.Unknown); ok {
		return o, fmt.Errorf("%s %s is not a known API type", meta.APIVersion, meta.Kind)
	}
	o.obj = obj
	return o, nil
}

func describe(doc []byte) string {
	var m struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	_ = yaml.Unmarshal(doc, &m)
	return m.Kind + "/" + m.Metadata.Name
}
