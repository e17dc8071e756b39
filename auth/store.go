package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"
	"github.com/zalando/go-keyring"
)

// ErrNoToken is a store's answer for an account it holds no sign-in for.
var ErrNoToken = errors.New("no stored sign-in")

// Store keeps one Token per Zendesk account (the instance's address, e.g.
// https://acme.zendesk.com). Callers serialise read-refresh-write with Locker.
type Store interface {
	Load(account string) (Token, error) // ErrNoToken when there is none
	Save(account string, t Token) error
	Delete(account string) error // no error when there is none
	// Where names the store for people, e.g. "the OS keyring" or
	// "the file /home/ann/.local/state/partner-triage/tokens.json (mode 0600)".
	Where() string
}

// Locker serialises the read-refresh-write of a sign-in across processes.
type Locker interface {
	// Lock waits for the lock (or ctx) and returns the function that releases it.
	Lock(ctx context.Context) (unlock func(), err error)
}

const keyringService = "partner-triage"

// StateDir is partner-triage's state directory: $XDG_STATE_HOME/partner-triage (an absolute
// XDG_STATE_HOME only, as the XDG specification asks), else ~/.local/state/partner-triage.
func StateDir(getenv func(string) string) (string, error) {
	if x := getenv("XDG_STATE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "partner-triage"), nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil || home == "" {
			return "", errors.New("cannot find where to keep the sign-in: neither XDG_STATE_HOME nor HOME is set")
		}
	}
	return filepath.Join(home, ".local", "state", "partner-triage"), nil
}

// keyringTimeout bounds the probe: a keyring daemon that never answers must not hang a command.
const keyringTimeout = 3 * time.Second

// Open returns the store to use: the OS keyring when one answers, else a 0600 file in dir
// (StateDir); and the lock file in dir that guards refreshes either way.
func Open(dir string) (Store, Locker, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("cannot create %s for the sign-in: %v", dir, pathErr(err))
	}
	lock := NewFileLock(filepath.Join(dir, "token.lock"))
	if keyringAnswers() {
		return KeyringStore{}, lock, nil
	}
	return NewFileStore(filepath.Join(dir, "tokens.json")), lock, nil
}

// keyringAnswers probes the OS keyring: it answers when a read of a missing entry says "not
// found" within keyringTimeout.
func keyringAnswers() bool {
	done := make(chan error, 1)
	go func() {
		_, err := keyring.Get(keyringService, "probe: is there a keyring")
		done <- err
	}()
	select {
	case err := <-done:
		return err == nil || errors.Is(err, keyring.ErrNotFound)
	case <-time.After(keyringTimeout):
		return false
	}
}

// KeyringStore keeps sign-ins in the OS keyring (macOS Keychain, Windows Credential Manager,
// the Secret Service on Linux), service "partner-triage", one entry per account.
type KeyringStore struct{}

func (KeyringStore) Where() string { return "the OS keyring (service \"partner-triage\")" }

func (KeyringStore) Load(account string) (Token, error) {
	s, err := keyring.Get(keyringService, account)
	if errors.Is(err, keyring.ErrNotFound) {
		return Token{}, ErrNoToken
	}
	if err != nil {
		return Token{}, fmt.Errorf("reading the sign-in from the OS keyring: %v", err)
	}
	var t Token
	if err := json.Unmarshal([]byte(s), &t); err != nil || t.AccessToken == "" {
		return Token{}, errors.New("the sign-in in the OS keyring is unreadable: run `partner-triage auth login` again")
	}
	return t, nil
}

func (KeyringStore) Save(account string, t Token) error {
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	if err := keyring.Set(keyringService, account, string(b)); err != nil {
		return fmt.Errorf("saving the sign-in in the OS keyring: %v", err)
	}
	return nil
}

func (KeyringStore) Delete(account string) error {
	if err := keyring.Delete(keyringService, account); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("deleting the sign-in from the OS keyring: %v", err)
	}
	return nil
}

// FileStore keeps sign-ins in one JSON file of mode 0600 (in a 0700 directory), replaced
// atomically on every change. It is for machines without a keyring (headless Linux).
type FileStore struct{ path string }

// NewFileStore is a FileStore at path.
func NewFileStore(path string) *FileStore { return &FileStore{path: path} }

func (f *FileStore) Where() string { return "the file " + f.path + " (mode 0600)" }

type fileData struct {
	Accounts map[string]Token `json:"accounts"`
}

func (f *FileStore) read() (fileData, error) {
	var d fileData
	b, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return fileData{Accounts: map[string]Token{}}, nil
	}
	if err != nil {
		return d, fmt.Errorf("reading the sign-in from %s: %v", f.path, pathErr(err))
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return d, fmt.Errorf("%s is unreadable (not the JSON partner-triage writes): remove it and run `partner-triage auth login`", f.path)
	}
	if d.Accounts == nil {
		d.Accounts = map[string]Token{}
	}
	return d, nil
}

func (f *FileStore) write(d fileData) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("saving the sign-in: %v", pathErr(err))
	}
	tmp, err := os.CreateTemp(dir, ".tokens-*.json") // mode 0600
	if err != nil {
		return fmt.Errorf("saving the sign-in in %s: %v", dir, pathErr(err))
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the sign-in: %v", pathErr(err))
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the sign-in in %s: %v", dir, pathErr(err))
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the sign-in in %s: %v", dir, pathErr(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the sign-in in %s: %v", dir, pathErr(err))
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("saving the sign-in as %s: %v", f.path, pathErr(err))
	}
	return nil
}

func (f *FileStore) Load(account string) (Token, error) {
	d, err := f.read()
	if err != nil {
		return Token{}, err
	}
	t, ok := d.Accounts[account]
	if !ok || t.AccessToken == "" {
		return Token{}, ErrNoToken
	}
	return t, nil
}

func (f *FileStore) Save(account string, t Token) error {
	d, err := f.read()
	if err != nil {
		d = fileData{Accounts: map[string]Token{}} // an unreadable file is replaced
	}
	d.Accounts[account] = t
	return f.write(d)
}

func (f *FileStore) Delete(account string) error {
	d, err := f.read()
	if err != nil {
		return err
	}
	if _, ok := d.Accounts[account]; !ok {
		return nil
	}
	delete(d.Accounts, account)
	if len(d.Accounts) == 0 {
		if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("deleting %s: %v", f.path, pathErr(err))
		}
		return nil
	}
	return f.write(d)
}

// MemoryStore keeps sign-ins in memory only (--demo): nothing touches the keyring or a file.
type MemoryStore struct {
	mu sync.Mutex
	m  map[string]Token
}

func (m *MemoryStore) Where() string { return "memory (this run only)" }

func (m *MemoryStore) Load(account string) (Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.m[account]
	if !ok {
		return Token{}, ErrNoToken
	}
	return t, nil
}

func (m *MemoryStore) Save(account string, t Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]Token{}
	}
	m.m[account] = t
	return nil
}

func (m *MemoryStore) Delete(account string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, account)
	return nil
}

// FileLock is a Locker on a lock file (flock(2) and its equivalents), shared by every
// partner-triage process of the user. Each FileLock holds its own descriptor, so two in one
// process exclude each other too.
type FileLock struct {
	mu sync.Mutex // one holder per FileLock
	fl *flock.Flock
}

// NewFileLock is a FileLock on path (created when missing).
func NewFileLock(path string) *FileLock {
	return &FileLock{fl: flock.New(path, flock.SetPermissions(0o600))}
}

func (l *FileLock) Lock(ctx context.Context) (func(), error) {
	l.mu.Lock()
	ok, err := l.fl.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil || !ok {
		l.mu.Unlock()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("cannot lock %s: %v", l.fl.Path(), pathErr(err))
	}
	return func() {
		_ = l.fl.Unlock()
		l.mu.Unlock()
	}, nil
}

// MutexLock is a Locker for one process (with MemoryStore).
type MutexLock struct{ mu sync.Mutex }

func (l *MutexLock) Lock(context.Context) (func(), error) {
	l.mu.Lock()
	return l.mu.Unlock, nil
}

func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
