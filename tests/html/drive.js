#!/usr/bin/env node
// drive.js: open a page of `mapviz export -o F.html` in headless Chromium
// (tests/html/cdp.js) and check it as a person would use it.
//
//   node drive.js CHROMIUM PAGE EXPECT.json scene|lesson [SCREENSHOT.png]
//
// EXPECT.json is tests/html/expect.py's: each cast's title, markers and
// the screens the terminal must show.  Prints "ok WHAT" or "FAIL WHAT: why"
// per check; exits 1 if any failed.  Checks, for a scene page: the title
// above the player; the player's terminal shows the first frame; the
// marker list's labels are the cast's markers; clicking markers (in a
// jumbled order) shows the screen at each; next marker; play and pause;
// a speed change keeps the frame; and for a lesson page: the table of
// contents names every scene and links to it, every player shows its
// first frame, the captions are listed, one player plays at a time.  Both:
// no console error or uncaught exception, no request but the page's file.
"use strict";
const fs = require("fs");
const path = require("path");
const { Browser } = require("./cdp.js");

const [exe, page, expectFile, mode, shot] = process.argv.slice(2);
const want = JSON.parse(fs.readFileSync(expectFile, "utf8"));
let failed = 0;
function ok(what) {
	console.log("ok " + what);
}
function fail(what, why) {
	failed++;
	console.log("FAIL " + what + ": " + why);
}
function check(what, cond, why) {
	if (cond) ok(what);
	else fail(what, why);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A screen as compared: each row with its blanks collapsed, trailing blank
// rows dropped (the player and the emulator agree on the text, not on how
// the trailing blanks of a row are kept).
function norm(rows) {
	const r = rows.map((l) => l.replace(/\s+/g, " ").trim());
	while (r.length && r[r.length - 1] === "") r.pop();
	return r;
}
function firstDiff(a, b) {
	for (let i = 0; i < Math.max(a.length, b.length); i++)
		if (a[i] !== b[i]) return `row ${i}: shows ${JSON.stringify(a[i] ?? "")}, expected ${JSON.stringify(b[i] ?? "")}`;
	return "";
}
const termOf = (k) => `document.querySelectorAll("section.mv-scene")[${k}].querySelector(".ap-term-text")`;

// Wait until scene k's terminal shows rows (at most ms); "" or a difference.
async function expectScreen(p, k, rows, ms) {
	const want = norm(rows);
	let got = [];
	const end = Date.now() + ms;
	for (;;) {
		const rows = await p.eval(`[...(${termOf(k)} || document.createElement("p")).querySelectorAll(".ap-line")].map(l => l.textContent)`);
		got = norm(rows);
		if (!firstDiff(got, want)) return "";
		if (Date.now() > end) return firstDiff(got, want);
		await sleep(50);
	}
}

async function scenePage(p) {
	const w = want[0];
	const title = await p.eval(`document.querySelector("h1.mv-title").textContent`);
	check("the title above the player is the scene's", title === w.title, `"${title}" is not "${w.title}"`);
	const meta = await p.eval(`document.querySelector(".mv-meta").textContent`);
	check("the page says which Go runtime it models", /Models Go 1\.(19|26)/.test(meta), `"${meta}"`);
	let d = await expectScreen(p, 0, w.first, 10000);
	check("the player renders the first frame", !d, d);
	const labels = await p.eval(`[...document.querySelectorAll(".mv-marker .mv-label")].map(e => e.textContent)`);
	const wl = w.markers.map((m) => m.label);
	check(
		`the marker list has the cast's ${wl.length} markers`,
		wl.length > 0 && JSON.stringify(labels) === JSON.stringify(wl),
		`list ${JSON.stringify(labels)}, cast ${JSON.stringify(wl)}`
	);
	const times = await p.eval(`[...document.querySelectorAll(".mv-marker")].map(e => Number(e.dataset.t))`);
	check(
		"each marker in the list has its time",
		JSON.stringify(times) === JSON.stringify(w.markers.map((m) => m.t)),
		JSON.stringify(times)
	);
	// forward, back, to the start, forward again
	const n = w.markers.length;
	const order = [Math.min(3, n - 1), 1 % n, n - 1, 0, Math.floor(n / 2)];
	for (const i of order) {
		await p.click(`.mv-marker[data-i="${i}"]`);
		d = await expectScreen(p, 0, w.markers[i].screen, 3000);
		const hd = norm(w.markers[i].screen)[0] || "";
		const step = (hd.match(/step \d+/) || ["?"])[0];
		check(`clicking marker ${i} ("${w.markers[i].label.slice(0, 40)}") shows its frame (${step})`, !d, d);
		const active = await p.eval(`document.querySelector(".mv-marker.mv-active")?.dataset.i`);
		check(`marker ${i} is highlighted in the list`, active === String(i), `highlighted: ${active}`);
	}
	const paused = await p.eval(`document.querySelector(".mv-play").textContent`);
	check("after a marker the player is paused", paused === "Play", `the button says ${paused}`);
	// next marker: the first whose time is later
	const from = Math.min(3, n - 1);
	await p.click(`.mv-marker[data-i="${from}"]`);
	await expectScreen(p, 0, w.markers[from].screen, 3000);
	const next = w.markers.findIndex((m) => m.t > w.markers[from].t + 1e-9);
	if (next >= 0) {
		await p.click(".mv-next");
		d = await expectScreen(p, 0, w.markers[next].screen, 3000);
		check(`"marker ▶" goes to the next marker (${next})`, !d, d);
		await p.click(".mv-prev");
		d = await expectScreen(p, 0, w.markers[from].screen, 3000);
		check(`"◀ marker" goes back to marker ${from}`, !d, d);
	}
	// play and pause
	const t0 = await p.eval(`window.mapvizPlayers[0]().getCurrentTime()`);
	await p.click(".mv-play");
	const playing = await p.waitFor(`document.querySelector(".mv-play").textContent === "Pause" && window.mapvizPlayers[0]().getCurrentTime() > ${t0} + 0.3`, 4000);
	check("Play plays (the time moves on)", playing, "the time stayed at " + t0);
	await p.click(".mv-play");
	const stopped = await p.waitFor(`document.querySelector(".mv-play").textContent === "Play"`, 2000);
	const t1 = await p.eval(`window.mapvizPlayers[0]().getCurrentTime()`);
	await sleep(400);
	const t2 = await p.eval(`window.mapvizPlayers[0]().getCurrentTime()`);
	check("Pause pauses (the time stands)", stopped && Math.abs(t2 - t1) < 1e-6, `${t1} then ${t2}`);
	// a speed change remakes the player where it was
	await p.click(`.mv-marker[data-i="${n - 1}"]`);
	await expectScreen(p, 0, w.markers[n - 1].screen, 3000);
	await p.eval(`(() => { const s = document.querySelector(".mv-speed"); s.value = "2"; s.dispatchEvent(new Event("change")); })()`);
	d = await expectScreen(p, 0, w.markers[n - 1].screen, 5000);
	check("a speed change keeps the frame", !d, d);
}

async function lessonPage(p) {
	const toc = await p.eval(`[...document.querySelectorAll(".mv-toc a")].map(a => [a.textContent, a.getAttribute("href")])`);
	const titles = want.map((w) => w.title);
	check(
		`the table of contents names the ${titles.length} scenes`,
		JSON.stringify(toc.map((x) => x[0])) === JSON.stringify(titles),
		JSON.stringify(toc)
	);
	const targets = await p.eval(`[...document.querySelectorAll(".mv-toc a")].map(a => { const s = document.querySelector(a.getAttribute("href")); return s ? s.querySelector(".mv-title").textContent : null; })`);
	check("each contents entry links to its scene's section", JSON.stringify(targets) === JSON.stringify(titles), JSON.stringify(targets));
	for (let k = 0; k < want.length; k++) {
		const d = await expectScreen(p, k, want[k].first, 10000);
		check(`scene ${k + 1}'s player renders its first frame`, !d, d);
		const notes = await p.eval(`[...document.querySelectorAll("section.mv-scene")[${k}].querySelectorAll(".mv-notes li")].map(l => l.textContent)`);
		const caps = want[k].markers.filter((m) => m.label.startsWith("caption: ")).map((m) => m.label.slice(9));
		const missing = caps.filter((c) => !notes.some((t) => t.endsWith(c)));
		check(`scene ${k + 1}'s captions are listed (${notes.length})`, missing.length === 0 && (caps.length === 0 || notes.length > 0), "missing: " + JSON.stringify(missing));
		const labels = await p.eval(`[...document.querySelectorAll("section.mv-scene")[${k}].querySelectorAll(".mv-marker .mv-label")].map(e => e.textContent)`);
		check(`scene ${k + 1}'s marker list is its cast's`, JSON.stringify(labels) === JSON.stringify(want[k].markers.map((m) => m.label)), JSON.stringify(labels));
	}
	if (want.length >= 2) {
		const sec = (k, sel) => `section#scene-${k + 1} ${sel}`;
		await p.click(sec(0, ".mv-play"));
		const a = await p.waitFor(`document.querySelector(${JSON.stringify(sec(0, ".mv-play"))}).textContent === "Pause"`, 3000);
		await p.click(sec(1, ".mv-play"));
		const b = await p.waitFor(`document.querySelector(${JSON.stringify(sec(1, ".mv-play"))}).textContent === "Pause" && document.querySelector(${JSON.stringify(sec(0, ".mv-play"))}).textContent === "Play"`, 3000);
		const t1 = await p.eval(`window.mapvizPlayers[0]().getCurrentTime()`);
		await sleep(400);
		const t2 = await p.eval(`window.mapvizPlayers[0]().getCurrentTime()`);
		check("one player plays at a time", a && b && t1 === t2, `first playing: ${!!a}, second playing and first paused: ${!!b}, first's time ${t1} then ${t2}`);
		await p.click(sec(1, ".mv-play"));
	}
}

(async () => {
	const b = new Browser(exe);
	let timer;
	try {
		timer = setTimeout(() => {
			console.log("FAIL the browser test: it took more than 90 s");
			process.exit(1);
		}, 90000);
		const p = await b.newPage();
		await p.enable();
		const url = "file://" + path.resolve(page);
		await p.goto(url, 15000);
		if (mode === "lesson") await lessonPage(p);
		else await scenePage(p);
		if (shot) await p.screenshot(shot);
		check("no console error or uncaught exception", p.errors.length === 0, p.errors.join(" | "));
		const away = p.requests.filter((u) => u !== url && !u.startsWith("data:") && !u.startsWith("blob:"));
		check("no request leaves the page's file (offline)", away.length === 0, away.join(" "));
	} catch (e) {
		fail("the browser test", e.message);
	} finally {
		clearTimeout(timer);
		await b.close();
	}
	process.exit(failed ? 1 : 0);
})();
