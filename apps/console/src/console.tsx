import { useState } from 'preact/hooks';
import { ApiError, forgetToken, NotAnAdminError, signIn, type Account } from './api.js';
import { ContextMap } from './context-map.js';
import { Migration } from './migration.js';

type Tab = 'migration' | 'map';

/** The whole page: the sign-in form, or the signed-in admin's tabs. */
export function Console() {
  const [account, setAccount] = useState<Account>();
  const [notice, setNotice] = useState<string>();

  const signOut = (reason?: string) => {
    forgetToken();
    setAccount(undefined);
    setNotice(reason);
  };

  return account ? (
    <SignedIn account={account} onSignOut={signOut} />
  ) : (
    <SignIn
      notice={notice}
      onSignedIn={(signedIn) => {
        setNotice(undefined);
        setAccount(signedIn);
      }}
    />
  );
}

function SignIn({ notice, onSignedIn }: { notice: string | undefined; onSignedIn: (account: Account) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(notice);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(email, password));
    } catch (caught) {
      if (caught instanceof NotAnAdminError)
        setError(`This console is for admins only. ${caught.account.email} is not an admin, so it cannot be used to sign in here.`);
      else if (caught instanceof ApiError && caught.status === 401) setError('Wrong email or password.');
      else if (caught instanceof ApiError) setError(`${caught.problem.title}: ${caught.problem.detail}`);
      else throw caught;
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Migration console</h1>
      <p>Watch each context's move from the monolith to its service, and move it. For admins of the shop.</p>
      <form onSubmit={(event) => void submit(event)} aria-describedby="sign-in-message">
        <label>
          Email
          <input
            type="email"
            name="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <p id="sign-in-message" class="message" role="alert">
          {error ?? ''}
        </p>
      </form>
      <p class="hint">The session lives in this tab only: reloading or closing it signs you out.</p>
    </main>
  );
}

function SignedIn({ account, onSignOut }: { account: Account; onSignOut: (reason?: string) => void }) {
  const [tab, setTab] = useState<Tab>('migration');
  const tabs: Array<[Tab, string]> = [
    ['migration', 'Migration'],
    ['map', 'Context map'],
  ];
  const onTabKey = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const next = tabs[(tabs.findIndex(([id]) => id === tab) + 1) % tabs.length]![0];
    setTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
  return (
    <>
      <header class="top">
        <h1>Migration console</h1>
        <div role="tablist" aria-label="Views" onKeyDown={onTabKey}>
          {tabs.map(([id, label]) => (
            <button
              key={id}
              id={`tab-${id}`}
              role="tab"
              aria-selected={tab === id}
              aria-controls={`panel-${id}`}
              tabIndex={tab === id ? 0 : -1}
              onClick={() => setTab(id)}
            >
              {label}
            </button>
          ))}
        </div>
        <p class="who">
          Signed in as <strong>{account.email}</strong>
        </p>
        <button type="button" onClick={() => onSignOut()}>
          Sign out
        </button>
      </header>
      <main>
        <div id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`}>
          {tab === 'migration' ? <Migration account={account} onSignOut={onSignOut} /> : <ContextMap />}
        </div>
      </main>
    </>
  );
}
