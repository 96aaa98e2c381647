// cdp.js: headless Chromium driven over its DevTools protocol on a pipe
// (--remote-debugging-pipe: the browser reads commands on fd 3 and writes
// answers and events on fd 4, each a JSON text ended by a NUL byte).  No
// package and no network: Debian's /usr/bin/chromium and Node's own
// modules.  Used by tests/html/drive.js.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const CHROMIUM_ARGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--no-default-browser-check",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--disable-extensions",
	"--disable-features=Translate,MediaRouter,OptimizationHints",
	"--remote-debugging-pipe",
];

class Browser {
	// Start the browser (exe: its path) with a fresh profile directory.
	constructor(exe, windowSize) {
		this.profile = fs.mkdtempSync(path.join(os.tmpdir(), "mapviz-chromium-"));
		const args = CHROMIUM_ARGS.concat([
			"--user-data-dir=" + this.profile,
			"--window-size=" + (windowSize || "1300,950"),
			"about:blank",
		]);
		this.proc = spawn(exe, args, { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
		this.stderr = "";
		this.proc.stderr.on("data", (d) => {
			this.stderr += d;
		});
		this.out = this.proc.stdio[3];
		this.in = this.proc.stdio[4];
		this.nextId = 1;
		this.pending = new Map();
		this.listeners = [];
		this.buf = Buffer.alloc(0);
		this.exited = new Promise((resolve) => this.proc.on("exit", resolve));
		this.proc.on("exit", (code, sig) => {
			for (const [, p] of this.pending)
				p.reject(new Error(`chromium exited (${code ?? sig}) before answering: ${this.stderr.slice(-400)}`));
			this.pending.clear();
		});
		this.in.on("data", (chunk) => {
			this.buf = Buffer.concat([this.buf, chunk]);
			let z;
			while ((z = this.buf.indexOf(0)) >= 0) {
				const msg = JSON.parse(this.buf.subarray(0, z).toString("utf8"));
				this.buf = this.buf.subarray(z + 1);
				this.dispatch(msg);
			}
		});
	}

	dispatch(msg) {
		if (msg.id !== undefined) {
			const p = this.pending.get(msg.id);
			if (!p) return;
			this.pending.delete(msg.id);
			if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
			else p.resolve(msg.result);
			return;
		}
		for (const l of this.listeners) l(msg);
	}

	// Send a command (to a page's session when sessionId is given).
	send(method, params, sessionId) {
		const id = this.nextId++;
		const msg = { id, method, params: params || {} };
		if (sessionId) msg.sessionId = sessionId;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject, method });
			this.out.write(JSON.stringify(msg) + "\0");
		});
	}

	on(fn) {
		this.listeners.push(fn);
	}

	// A new tab, attached: a Page.
	async newPage() {
		const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
		const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
		return new Page(this, sessionId);
	}

	async close() {
		try {
			await Promise.race([this.send("Browser.close"), new Promise((r) => setTimeout(r, 2000))]);
		} catch (e) {
			/* already gone */
		}
		const t = setTimeout(() => this.proc.kill("SIGKILL"), 3000);
		await this.exited;
		clearTimeout(t);
		fs.rmSync(this.profile, { recursive: true, force: true });
	}
}

class Page {
	constructor(browser, sessionId) {
		this.b = browser;
		this.sid = sessionId;
		this.errors = [];   // console errors, uncaught exceptions, log errors
		this.requests = []; // every URL the page asked for
		this.loaded = null;
		browser.on((m) => {
			if (m.sessionId !== this.sid) return;
			const p = m.params || {};
			if (m.method === "Runtime.consoleAPICalled" && (p.type === "error" || p.type === "assert"))
				this.errors.push("console." + p.type + ": " + p.args.map((a) => a.value ?? a.description).join(" "));
			else if (m.method === "Runtime.exceptionThrown")
				this.errors.push("exception: " + (p.exceptionDetails.exception?.description || p.exceptionDetails.text));
			else if (m.method === "Log.entryAdded" && p.entry.level === "error")
				this.errors.push("log: " + p.entry.text + (p.entry.url ? " (" + p.entry.url + ")" : ""));
			else if (m.method === "Network.requestWillBeSent")
				this.requests.push(p.request.url);
			else if (m.method === "Page.loadEventFired" && this.loaded)
				this.loaded();
		});
	}

	send(method, params) {
		return this.b.send(method, params, this.sid);
	}

	async enable() {
		await Promise.all(["Runtime.enable", "Log.enable", "Network.enable", "Page.enable"].map((m) => this.send(m)));
	}

	// Open url and wait for its load event (at most ms).
	async goto(url, ms) {
		const loaded = new Promise((resolve, reject) => {
			this.loaded = resolve;
			setTimeout(() => reject(new Error("the page did not load within " + ms + " ms")), ms).unref();
		});
		const r = await this.send("Page.navigate", { url });
		if (r.errorText) throw new Error("navigating to " + url + ": " + r.errorText);
		await loaded;
	}

	// The value of a JavaScript expression (awaited if a promise).
	async eval(expr) {
		const r = await this.send("Runtime.evaluate", { expression: expr, awaitPromise: true, returnByValue: true });
		if (r.exceptionDetails)
			throw new Error("evaluating " + expr.slice(0, 80) + ": " + (r.exceptionDetails.exception?.description || r.exceptionDetails.text));
		return r.result.value;
	}

	// Poll expr until it is truthy (then return it) or ms pass (then null).
	async waitFor(expr, ms) {
		const end = Date.now() + ms;
		for (;;) {
			const v = await this.eval(expr);
			if (v) return v;
			if (Date.now() > end) return null;
			await new Promise((r) => setTimeout(r, 50));
		}
	}

	// A real mouse click at the middle of the element selector finds.
	async click(selector) {
		const box = await this.eval(`(() => {
			const e = document.querySelector(${JSON.stringify(selector)});
			if (!e) return null;
			e.scrollIntoView({block: "center"});
			const r = e.getBoundingClientRect();
			return {x: r.left + r.width / 2, y: r.top + r.height / 2};
		})()`);
		if (!box) throw new Error("nothing to click: " + selector);
		for (const type of ["mouseMoved", "mousePressed", "mouseReleased"])
			await this.send("Input.dispatchMouseEvent", { type, x: box.x, y: box.y, button: "left", clickCount: 1 });
	}

	async screenshot(file) {
		const r = await this.send("Page.captureScreenshot", { format: "png" });
		fs.writeFileSync(file, Buffer.from(r.data, "base64"));
	}
}

module.exports = { Browser };
