import { SessionEnded } from './auth.js';
import { backoffDelay } from './backoff.js';

export const State = Object.freeze({
  Idle: 'idle',
  Connecting: 'connecting',
  Live: 'live',
  Reconnecting: 'reconnecting',
  Ended: 'ended',
});

const CloseCode = Object.freeze({ Normal: 1000, Policy: 1008, ServiceRestart: 1012, TryAgainLater: 1013 });
const pingEveryMs = 30_000;
const pongWithinMs = 10_000;

/**
 * One chat session over the public WebSocket protocol (docs/protocol.md), kept alive: reconnects with backoff after
 * 1012/1013, a refused upgrade (the browser cannot see the 503 itself) or a lost network; moves to a new socket
 * when the access token is renewed; ends the session for 1008 on a revoked or expired token. Frames other than
 * welcome and pong go to onFrame; onLive runs on each new session (rejoin rooms with since, resend sends).
 */
export class ChatConnection {
  #auth;
  #socket = null;
  #wanted = false;
  #attempt = 0;
  #retryTimer = 0;
  #pingTimer = 0;
  #pongTimer = 0;
  #handshakeFailures = 0;
  #lastVerifiedAt = 0;
  state = State.Idle;
  // The close code of the last session that had been open (a refused upgrade has none the page can see).
  lastCloseCode = null;

  onState = (_state, _detail) => {};
  onFrame = (_frame) => {};
  onLive = (_welcome) => {};
  onEnded = (_message) => {};

  constructor(auth) {
    this.#auth = auth;
    auth.onRenewed = () => {
      if (this.state === State.Live) {
        this.#open({ handover: true });
      }
    };
    window.addEventListener('online', () => this.retryNow());
  }

  start() {
    this.#wanted = true;
    this.#attempt = 0;
    this.#open({ handover: false });
  }

  stop() {
    this.#wanted = false;
    this.#clearTimers();
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(CloseCode.Normal, 'signed out');
    this.#setState(State.Idle, '');
  }

  retryNow() {
    if (this.#wanted && this.state === State.Reconnecting) {
      this.#open({ handover: false });
    }
  }

  /** Sends a frame on the live session; false when there is none (the caller keeps it for later). */
  send(frame) {
    if (this.state !== State.Live || this.#socket?.readyState !== WebSocket.OPEN) {
      return false;
    }
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  async #open({ handover }) {
    clearTimeout(this.#retryTimer);
    if (!handover) {
      this.#setState(this.#attempt === 0 && this.state !== State.Reconnecting ? State.Connecting : State.Reconnecting, 'Connecting…');
    }

    let token;
    try {
      token = await this.#auth.accessToken();
    } catch (error) {
      this.#failed(error);
      return;
    }
    if (!this.#wanted) {
      return;
    }

    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${window.location.host}/ws?access_token=${encodeURIComponent(token)}`);
    let opened = false;
    if (!handover) {
      this.#replace(socket);
    }

    socket.addEventListener('open', () => {
      opened = true;
    });
    socket.addEventListener('message', (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame === null || typeof frame !== 'object' || typeof frame.type !== 'string') {
        return;
      }
      if (frame.type === 'welcome') {
        // A handed-over session becomes the current one only once it works; the old one is closed after.
        this.#replace(socket);
        this.#welcomed(frame);
      } else if (socket === this.#socket) {
        if (frame.type === 'pong') {
          clearTimeout(this.#pongTimer);
        } else {
          this.onFrame(frame);
        }
      }
    });
    socket.addEventListener('close', (event) => {
      if (socket === this.#socket) {
        this.#socket = null;
        if (opened) {
          this.lastCloseCode = event.code;
        }
        this.#closed(event.code, event.reason, opened);
      }
    });
  }

  #replace(socket) {
    const previous = this.#socket;
    this.#socket = socket;
    if (previous !== null && previous !== socket) {
      previous.close(CloseCode.Normal, 'replaced');
    }
  }

  #welcomed(welcome) {
    this.#attempt = 0;
    this.#handshakeFailures = 0;
    this.#setState(State.Live, '');
    this.#schedulePing();
    this.onLive(welcome);
  }

  async #closed(code, reason, opened) {
    this.#clearTimers();
    if (!this.#wanted) {
      return;
    }

    if (code === CloseCode.Policy && reason === 'token revoked') {
      this.#end('Your session was revoked. Please sign in again.');
      return;
    }
    if (code === CloseCode.Policy && reason === 'token expired') {
      // Renewal should have moved the session first (a sleeping laptop misses timers): one refresh decides.
      try {
        await this.#auth.refresh();
      } catch (error) {
        this.#failed(error instanceof SessionEnded ? new SessionEnded('Your session expired. Please sign in again.') : error);
        return;
      }
      this.#open({ handover: false });
      return;
    }

    if (!opened) {
      // The upgrade was refused (503 while a service restarts or a dependency is down, 401, 403): the browser does
      // not say which. Now and then check that the session is still valid, so a dead one is not retried forever.
      this.#handshakeFailures++;
      if (this.#handshakeFailures >= 2 && Date.now() - this.#lastVerifiedAt > 30_000) {
        this.#lastVerifiedAt = Date.now();
        try {
          await this.#auth.refresh();
        } catch (error) {
          if (error instanceof SessionEnded) {
            this.#failed(error);
            return;
          }
        }
      }
      this.#retryLater('The chat service is unavailable.');
      return;
    }

    const why = {
      [CloseCode.Normal]: 'The chat session was closed.',
      [CloseCode.Policy]: `The server closed the session (${reason || 'policy'}).`,
      [CloseCode.ServiceRestart]: 'The chat service is restarting.',
      [CloseCode.TryAgainLater]: 'The chat service is busy.',
    }[code] ?? 'The connection was lost.';
    this.#retryLater(why);
  }

  #failed(error) {
    if (error instanceof SessionEnded) {
      this.#end(error.message);
    } else {
      this.#retryLater(error?.message ?? 'The chat service is unavailable.');
    }
  }

  #retryLater(why) {
    if (!this.#wanted) {
      return;
    }
    const delay = backoffDelay(this.#attempt);
    this.#attempt++;
    const seconds = Math.max(1, Math.round(delay / 1000));
    this.#setState(State.Reconnecting, `${why} Reconnecting in ${seconds} s (attempt ${this.#attempt}).`);
    this.#retryTimer = setTimeout(() => this.#open({ handover: false }), delay);
  }

  #end(message) {
    this.#wanted = false;
    this.#clearTimers();
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(CloseCode.Normal, 'session ended');
    this.#setState(State.Ended, message);
    this.onEnded(message);
  }

  // Application-level pings find a dead network (no close ever arrives) within pingEveryMs + pongWithinMs.
  #schedulePing() {
    clearTimeout(this.#pingTimer);
    this.#pingTimer = setTimeout(() => {
      const socket = this.#socket;
      if (socket === null || !this.send({ type: 'ping', nonce: Date.now() })) {
        return;
      }
      this.#pongTimer = setTimeout(() => {
        if (socket === this.#socket) {
          this.#socket = null;
          socket.close();
          this.#closed(1006, 'no pong', true);
        }
      }, pongWithinMs);
      this.#schedulePing();
    }, pingEveryMs);
  }

  #clearTimers() {
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#pingTimer);
    clearTimeout(this.#pongTimer);
  }

  #setState(state, detail) {
    this.state = state;
    this.onState(state, detail);
  }
}
