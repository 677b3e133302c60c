package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/policies"
)

// writeAtomic writes a file so that it is either as it was or whole: into
// a temporary file beside it, synced, then renamed over it. A full disk or
// a crash halfway leaves the old file, never half of the new one. perm is
// that of a new file; an existing one keeps its own.
func writeAtomic(name string, data []byte, perm fs.FileMode) (err error) {
	if info, err := os.Stat(name); err == nil {
		if !info.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file: not written", name)
		}
		perm = info.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err = os.Rename(f.Name(), name); err != nil {
		return err
	}
	// The rename is durable once the directory is.
	if d, derr := os.Open(filepath.Dir(name)); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// notAnInput refuses an output file that is one of the inputs (an
// agreement under paths, or a file named by a flag): writing the result
// would destroy what it was made from.
func notAnInput(flag, out string, paths []string, files ...string) error {
	if out == "" {
		return nil
	}
	target, err := os.Stat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", flag, out, err)
	}
	if target.IsDir() {
		return fmt.Errorf("%s %s is a directory: give a file", flag, out)
	}
	inputs, _ := agreements.Files(paths...)
	for _, in := range append(inputs, files...) {
		if in == "" {
			continue
		}
		if info, err := os.Stat(in); err == nil && os.SameFile(info, target) {
			return fmt.Errorf("%s %s is one of the inputs (%s): writing the result would destroy it; give another file", flag, out, in)
		}
	}
	return nil
}

// readBundleFile reads a bundle file: a regular file (a pipe or a device is
// refused before it is opened, so that reading never blocks) of at most
// --max-bundle-size; its size unpacked is checked when it is read.
func (e *env) readBundleFile(name string) ([]byte, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file: give a bundle file", name)
	}
	if info.Size() > e.maxBundle {
		return nil, fmt.Errorf("%s: %w: more than %d MiB (--max-bundle-size)", name, policies.ErrBundleTooLarge, e.maxBundle>>20)
	}
	return os.ReadFile(name)
}
