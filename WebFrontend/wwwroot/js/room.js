import { el } from './dom.js';

const ackWithinMs = 15_000;

/**
 * One room as the page shows it: messages in id order, each id once (a reconnect's replay, the sender's own echo
 * and a history page may all carry the same message), the user's own sends pending until acknowledged, older
 * messages on demand, and the unread count.
 */
export class RoomView {
  name;
  lastId = 0;
  unread = 0;
  joined = false;
  // Joined on the current session: until then, sends wait so that they go out in the order they were written.
  ready = false;
  hasOlder = false;
  loadingOlder = false;
  #byId = new Map();
  #pending = new Map();
  #ackTimers = new Map();
  #myUserId = null;
  #list;
  #olderButton;

  // Set by the page: how to reach the server and tell people about new messages.
  onSend = (_frame) => false;
  onLoadOlder = () => {};
  onChanged = () => {};

  constructor(name) {
    this.name = name;
    this.#list = el('ol', { className: 'messages', 'aria-label': `Messages in ${name}` });
    this.#olderButton = el('button', { type: 'button', className: 'load-older', hidden: true }, 'Load older messages');
    this.#olderButton.addEventListener('click', () => this.onLoadOlder());
    this.element = el('div', { className: 'pane', dataset: { room: name }, tabindex: '-1' }, this.#olderButton, this.#list);
    this.element.addEventListener('scroll', () => {
      if (this.element.scrollTop < 40 && this.hasOlder && !this.loadingOlder) {
        this.onLoadOlder();
      }
    });
  }

  set userId(value) {
    this.#myUserId = value;
  }

  /** The oldest id shown: where a history request starts. */
  get firstId() {
    const first = this.#list.querySelector('li[data-id]');
    return first === null ? null : Number(first.dataset.id);
  }

  /** joined: the latest page, or everything after since (recovered), or, after a long absence, a fresh page. */
  applyJoined(frame, resumed) {
    const messages = Array.isArray(frame.messages) ? frame.messages : [];
    if (resumed && frame.recovered === false) {
      // More was missed than the server replays: start again from this page, older messages via history.
      this.#byId.clear();
      this.#list.querySelectorAll('li[data-id]').forEach((item) => item.remove());
    }
    const added = messages.filter((message) => this.#add(message));
    if (!resumed || frame.recovered === false) {
      const first = this.firstId;
      this.hasOlder = first !== null && first > 1;
    }
    this.lastId = Math.max(this.lastId, Number(frame.lastId) || 0);
    this.joined = true;
    this.ready = true;
    this.element.dataset.joined = 'true';
    this.#olderButton.hidden = !this.hasOlder;
    this.#resendPending();
    return resumed ? added : [];
  }

  /** A live message; returns true when it is new to this page. */
  applyMessage(message) {
    return this.#add(message);
  }

  applyHistory(frame) {
    const messages = Array.isArray(frame.messages) ? frame.messages : [];
    const before = this.element.scrollHeight;
    for (const message of messages) {
      this.#add(message);
    }
    this.hasOlder = frame.hasMore === true && messages.length > 0;
    this.loadingOlder = false;
    this.#olderButton.hidden = !this.hasOlder;
    // Keep what the reader was looking at in place while older messages appear above it.
    this.element.scrollTop += this.element.scrollHeight - before;
  }

  /** The user's own message: shown at once as pending, confirmed by its ack. */
  send(text, clientMsgId) {
    const item = this.#render({ sender: 'You', text, sentAt: new Date().toISOString(), clientMsgId }, true);
    const pending = { text, clientMsgId, item };
    this.#pending.set(clientMsgId, pending);
    this.#list.append(item);
    this.#transmit(pending);
    this.scrollToEnd();
  }

  applyAck(clientMsgId, id) {
    const pending = this.#pending.get(clientMsgId);
    if (pending === undefined) {
      return false;
    }
    this.#confirm(pending, Number(id));
    return true;
  }

  /** A send the server refused; shutting_down is not a failure: it is sent again after reconnecting. */
  applySendError(clientMsgId, code, message) {
    const pending = this.#pending.get(clientMsgId);
    if (pending === undefined) {
      return false;
    }
    clearTimeout(this.#ackTimers.get(clientMsgId));
    if (code !== 'shutting_down') {
      this.#fail(pending, message || code);
    }
    return true;
  }

  hasPending(clientMsgId) {
    return this.#pending.has(clientMsgId);
  }

  scrollToEnd() {
    this.element.scrollTop = this.element.scrollHeight;
  }

  isNearEnd() {
    return this.element.scrollHeight - this.element.scrollTop - this.element.clientHeight < 80;
  }

  #transmit(pending) {
    pending.failed = false;
    pending.item.classList.remove('failed');
    pending.item.classList.add('pending');
    this.#setState(pending.item, 'Sending…');
    pending.item.querySelector('button.retry')?.remove();
    clearTimeout(this.#ackTimers.get(pending.clientMsgId));
    if (this.ready && this.onSend({ type: 'send', room: this.name, text: pending.text, clientMsgId: pending.clientMsgId })) {
      this.#ackTimers.set(pending.clientMsgId, setTimeout(() => this.#fail(pending, 'No confirmation from the server.'), ackWithinMs));
    }
  }

  // After a reconnect: every send still pending goes again with its clientMsgId (stored once, same id).
  #resendPending() {
    for (const pending of this.#pending.values()) {
      if (!pending.failed) {
        this.#transmit(pending);
      }
    }
  }

  #fail(pending, reason) {
    pending.failed = true;
    pending.item.classList.remove('pending');
    pending.item.classList.add('failed');
    this.#setState(pending.item, `Not sent: ${reason}`);
    if (pending.item.querySelector('button.retry') === null) {
      const retry = el('button', { type: 'button', className: 'retry' }, 'Retry');
      retry.addEventListener('click', () => {
        this.#transmit(pending);
        pending.item.focus();
      });
      pending.item.append(retry);
    }
    this.onChanged();
  }

  #confirm(pending, id) {
    clearTimeout(this.#ackTimers.get(pending.clientMsgId));
    this.#ackTimers.delete(pending.clientMsgId);
    this.#pending.delete(pending.clientMsgId);
    pending.item.querySelector('button.retry')?.remove();
    const existing = this.#byId.get(id);
    if (existing !== undefined) {
      // The message frame came first: that item is the message.
      pending.item.remove();
      return;
    }
    pending.item.classList.remove('pending', 'failed');
    pending.item.dataset.id = String(id);
    this.#setState(pending.item, '');
    this.#byId.set(id, pending.item);
    this.#insert(pending.item, id);
    this.lastId = Math.max(this.lastId, id);
  }

  #add(message) {
    const id = Number(message?.id);
    if (!Number.isSafeInteger(id) || this.#byId.has(id)) {
      return false;
    }
    const own = message.senderId === this.#myUserId;
    const pending = own && typeof message.clientMsgId === 'string' ? this.#pending.get(message.clientMsgId) : undefined;
    if (pending !== undefined) {
      this.#confirm(pending, id);
      return false;
    }
    const item = this.#render(message, own);
    item.dataset.id = String(id);
    this.#byId.set(id, item);
    this.#insert(item, id);
    this.lastId = Math.max(this.lastId, id);
    return true;
  }

  // Confirmed messages in id order; pending ones stay below them until acknowledged.
  #insert(item, id) {
    const confirmed = [...this.#list.querySelectorAll(':scope > li[data-id]')].filter((other) => other !== item);
    // Search from the end: live messages almost always go last.
    let next = null;
    for (let index = confirmed.length - 1; index >= 0 && Number(confirmed[index].dataset.id) > id; index--) {
      next = confirmed[index];
    }
    if (next !== null) {
      this.#list.insertBefore(item, next);
    } else if (confirmed.length > 0) {
      confirmed.at(-1).after(item);
    } else {
      this.#list.prepend(item);
    }
  }

  #render(message, own) {
    const sender = typeof message.sender === 'string' ? message.sender : 'unknown';
    const sentAt = new Date(typeof message.sentAt === 'string' ? message.sentAt : Date.now());
    const time = Number.isNaN(sentAt.getTime()) ? new Date() : sentAt;
    const classes = ['message'];
    if (own) {
      classes.push('own');
    }
    if (message.senderId === 'assistant') {
      classes.push('assistant');
    }
    const item = el(
      'li',
      { className: classes.join(' '), tabindex: '-1', dataset: { clientMsgId: String(message.clientMsgId ?? '') } },
      el(
        'div',
        { className: 'meta' },
        el('span', { className: 'sender' }, own ? 'You' : sender),
        ' ',
        el('time', { datetime: time.toISOString(), title: time.toLocaleString() }, time.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })),
        ' ',
        el('span', { className: 'state' }),
      ),
      el('p', { className: 'text' }, typeof message.text === 'string' ? message.text : ''),
    );
    return item;
  }

  #setState(item, text) {
    item.querySelector('.state').textContent = text;
  }
}
