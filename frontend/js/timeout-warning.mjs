// The timeout warning (after the GOV.UK and HMRC timeout dialog patterns).
//
// The server signs a person out after `data-timeout` seconds without a request. This opens the
// dialog `data-warning` seconds before that, counts down, and:
// - "Stay signed in" (or Escape) POSTs to the keep-alive address, which resets the server's clock;
// - at the end, goes to the sign-in page, where the server says why the person was signed out.
// Screen readers hear the time left when the dialog opens, then once a minute and every
// 20 seconds in the last minute (a polite live region), not every second.

const SECOND = 1000;

function describe(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

export class TimeoutWarning {
  constructor(dialog) {
    this.dialog = dialog;
    this.timeout = Number(dialog.dataset.timeout) * SECOND;
    this.warning = Number(dialog.dataset.warning) * SECOND;
    this.keepAliveUrl = dialog.dataset.keepAliveUrl;
    this.signInUrl = dialog.dataset.signInUrl;
    this.csrfToken = dialog.dataset.csrfToken;
    this.countdown = dialog.querySelector(".app-timeout-warning__countdown");
    this.announcement = dialog.querySelector("[aria-live]");
    this.stayButton = dialog.querySelector("[data-timeout-action='stay']");
    this.returnFocusTo = null;
    this.lastAnnounced = null;
  }

  init() {
    if (!this.timeout || typeof this.dialog.showModal !== "function") {
      return;
    }
    this.restart();
    this.stayButton.addEventListener("click", () => this.staySignedIn());
    // Escape fires "cancel": treat it as "Stay signed in", as the pattern asks.
    this.dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      this.staySignedIn();
    });
    // One clock for everything: a tab woken from sleep catches up at once.
    this.timer = window.setInterval(() => this.tick(), SECOND);
    document.addEventListener("visibilitychange", () => this.tick());
  }

  restart() {
    this.deadline = Date.now() + this.timeout;
  }

  secondsLeft() {
    return Math.max(0, Math.ceil((this.deadline - Date.now()) / SECOND));
  }

  tick() {
    const left = this.secondsLeft();
    if (left <= 0) {
      this.signedOut();
      return;
    }
    if (left * SECOND <= this.warning) {
      if (!this.dialog.open) {
        this.open(left);
      }
      this.update(left);
    }
  }

  open(left) {
    this.returnFocusTo = document.activeElement;
    this.lastAnnounced = null;
    this.update(left);
    this.dialog.showModal();
    this.stayButton.focus();
  }

  update(left) {
    const text = describe(left);
    this.countdown.textContent = text;
    const minuteMark = left >= 60 && left % 60 === 0;
    const lastMinuteMark = left < 60 && left % 20 === 0;
    if (this.lastAnnounced === null || minuteMark || lastMinuteMark) {
      const spoken = `For your security, we will sign you out in ${describe(left)}. Anything you have not saved will be lost.`;
      if (spoken !== this.lastAnnounced) {
        this.announcement.textContent = spoken;
        this.lastAnnounced = spoken;
      }
    }
  }

  close() {
    if (this.dialog.open) {
      this.dialog.close();
    }
    this.announcement.textContent = "";
    if (this.returnFocusTo && typeof this.returnFocusTo.focus === "function") {
      this.returnFocusTo.focus();
    }
  }

  async staySignedIn() {
    let response;
    try {
      response = await fetch(this.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": this.csrfToken },
      });
    } catch {
      response = null;
    }
    if (response && response.ok) {
      this.restart();
      this.close();
    } else {
      // Already signed out on the server (or offline): the sign-in page explains.
      this.signedOut();
    }
  }

  signedOut() {
    window.clearInterval(this.timer);
    window.location.assign(this.signInUrl);
  }
}

export function initTimeoutWarning(root = document) {
  const dialog = root.querySelector("[data-module='app-timeout-warning']");
  if (dialog) {
    new TimeoutWarning(dialog).init();
  }
}
