package auth_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/partner-triage/partner-triage/auth"
)

var errNoKeyring = errors.New("no keyring in tests")

func init() {
	// The tests never touch the developer's keyring: none answers unless a test says so.
	keyring.MockInitWithError(errNoKeyring)
}

func TestOpenPrefersAnsweringKeyring(t *testing.T) {
	keyring.MockInit() // an in-memory keyring that answers
	t.Cleanup(func() { keyring.MockInitWithError(errNoKeyring) })
	dir := t.TempDir()
	st, lock, err := auth.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.(auth.KeyringStore); !ok || lock == nil {
		t.Fatalf("store %T (%s), want the keyring", st, st.Where())
	}
	if want := `the OS keyring (service "partner-triage")`; st.Where() != want {
		t.Errorf("Where = %q", st.Where())
	}
	const acct = "https://acme.zendesk.com"
	if _, err := st.Load(acct); !errors.Is(err, auth.ErrNoToken) {
		t.Fatalf("empty keyring: %v", err)
	}
	tok := auth.Token{AccessToken: "a1", RefreshToken: "r1"}
	if err := st.Save(acct, tok); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Load(acct); err != nil || got != tok {
		t.Fatalf("load: %v %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "tokens.json")); !os.IsNotExist(err) {
		t.Errorf("a token file was written beside the keyring: %v", err)
	}
	if err := st.Delete(acct); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(acct); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
	if _, err := st.Load(acct); !errors.Is(err, auth.ErrNoToken) {
		t.Errorf("after delete: %v", err)
	}
}

func TestOpenFallsBackToFileWithoutKeyring(t *testing.T) {
	st, _, err := auth.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.(*auth.FileStore); !ok {
		t.Fatalf("store %T, want the file", st)
	}
}
