import { describeFailure, unreachable } from './problem.js';

// The session ended for good (refresh refused, token revoked): the person has to sign in again.
export class SessionEnded extends Error {}

// A refused or failed call to AuthService, worded for people (wrong password, name taken, service down...).
export class AuthError extends Error {}

const storageKey = 'chat.session';
// Refresh this long before the access token expires (ChatApi closes a session with 1008 when its token expires).
const renewLeadMs = 60_000;
// Below this remaining lifetime an access token is not used for a new connection.
const minimumRemainingMs = 15_000;

/**
 * The signed-in user's tokens. The refresh token is kept in sessionStorage so that a reload keeps the session; the
 * access token lives in memory only. sessionStorage, not localStorage: refresh tokens rotate, and two tabs sharing
 * one would spend it twice, which AuthService treats as theft and answers by revoking the whole session.
 */
export class AuthSession {
  #storage;
  #accessToken = null;
  #expiresAt = 0;
  #refreshToken = null;
  #username = null;
  #renewTimer = 0;
  #refreshing = null;

  // Called after each successful refresh with no arguments; the chat connection moves to the new token.
  onRenewed = () => {};

  constructor(storage = window.sessionStorage) {
    this.#storage = storage;
    try {
      const saved = JSON.parse(storage.getItem(storageKey) ?? 'null');
      if (saved && typeof saved.refreshToken === 'string' && typeof saved.username === 'string') {
        this.#refreshToken = saved.refreshToken;
        this.#username = saved.username;
      }
    } catch {
      storage.removeItem(storageKey);
    }
  }

  get signedIn() {
    return this.#refreshToken !== null;
  }

  get username() {
    return this.#username;
  }

  async register(username, password) {
    const response = await post('/auth/register', { username, password });
    if (response.status !== 201) {
      throw new AuthError(await describeFailure(response, 'Creating the account'));
    }
  }

  async signIn(username, password) {
    const response = await post('/auth/token', { username, password });
    if (!response.ok) {
      throw new AuthError(await describeFailure(response, 'Signing in'));
    }
    this.#username = username;
    this.#accept(await response.json());
  }

  /** A usable access token, refreshed first when it is missing or about to expire. */
  async accessToken() {
    if (this.#accessToken !== null && this.#expiresAt - Date.now() > minimumRemainingMs) {
      return this.#accessToken;
    }
    await this.refresh();
    return this.#accessToken;
  }

  /** Exchanges the refresh token for a new pair; concurrent callers share one request (a refresh token is single-use). */
  refresh() {
    this.#refreshing ??= this.#refreshOnce().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async signOut() {
    const token = this.#accessToken;
    this.#forget();
    if (token !== null) {
      // Best effort: revoking ends the refresh family at AuthService too; the local session is gone either way.
      try {
        await fetch('/auth/revoke', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
      } catch {
        // Offline: the tokens expire on their own.
      }
    }
  }

  /** Drops the session locally (it already ended at the server). */
  end() {
    this.#forget();
  }

  async #refreshOnce() {
    if (this.#refreshToken === null) {
      throw new SessionEnded('Please sign in.');
    }
    const response = await post('/auth/refresh', { refresh_token: this.#refreshToken });
    if (response.status === 401 || response.status === 400) {
      this.#forget();
      throw new SessionEnded('Your session has ended. Please sign in again.');
    }
    if (!response.ok) {
      throw new AuthError(await describeFailure(response, 'Renewing the session'));
    }
    this.#accept(await response.json());
    this.onRenewed();
  }

  #accept(tokens) {
    if (typeof tokens.access_token !== 'string' || typeof tokens.refresh_token !== 'string') {
      throw new AuthError('AuthService answered with an unexpected token response.');
    }
    const lifetimeMs = Math.max(1, Number(tokens.expires_in) || 0) * 1000;
    this.#accessToken = tokens.access_token;
    this.#expiresAt = Date.now() + lifetimeMs;
    this.#refreshToken = tokens.refresh_token;
    this.#storage.setItem(storageKey, JSON.stringify({ username: this.#username, refreshToken: this.#refreshToken }));

    // Renew before the token is needed: a minute ahead, or a quarter of a short lifetime ahead.
    clearTimeout(this.#renewTimer);
    const renewInMs = Math.max(1_000, lifetimeMs - Math.min(renewLeadMs, lifetimeMs / 4));
    this.#renewTimer = setTimeout(() => this.refresh().catch(() => {
      // The connection refreshes again when it next needs a token, and reports what went wrong then.
    }), renewInMs);
  }

  #forget() {
    clearTimeout(this.#renewTimer);
    this.#accessToken = null;
    this.#expiresAt = 0;
    this.#refreshToken = null;
    this.#username = null;
    this.#storage.removeItem(storageKey);
  }
}

async function post(path, body) {
  try {
    return await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new AuthError(unreachable);
  }
}
