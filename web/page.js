// page.js: the script of a page `mapviz export -o F.html` writes (inlined
// by web/gen_assets.js).  Each <section class="mv-scene"> gets an asciinema
// player on its cast (the JSON in #mv-data, same order), and its buttons:
// a marker in the list seeks there and pauses (the screen shows that
// frame), play/pause, previous/next marker, speed.  One player plays at a
// time.  The marker the playback is at is highlighted in the list.
(function () {
	"use strict";
	var data = JSON.parse(document.getElementById("mv-data").textContent);
	var scenes = [];
	var FIRST = 0.0005; // seconds: the first frame's time as the player sees it

	function pauseOthers(s) {
		scenes.forEach(function (o) {
			if (o !== s && o.playing) o.player.pause();
		});
	}

	function setPlaying(s, on) {
		s.playing = on;
		s.playBtn.textContent = on ? "Pause" : "Play";
		s.sec.classList.toggle("mv-is-playing", on);
	}

	// The marker at or before time t (seconds of the cast), -1 before the first.
	function markerAt(s, t) {
		var at = -1;
		for (var i = 0; i < s.times.length; i++)
			if (s.times[i] <= t + 1e-6) at = i;
		return at;
	}

	function highlight(s, i) {
		s.buttons.forEach(function (b, k) {
			b.classList.toggle("mv-active", k === i);
			if (k === i) b.setAttribute("aria-current", "step");
			else b.removeAttribute("aria-current");
		});
	}

	function create(s, startAt) {
		var opts = {
			preload: true,
			speed: s.speed,
			fit: "width",
			controls: true,
		};
		var p = AsciinemaPlayer.create({ data: s.cast }, s.el, opts);
		s.player = p;
		// The first frame (or where a speed change was made), paused.
		p.seek(Math.max(startAt || 0, FIRST));
		p.addEventListener("play", function () {
			pauseOthers(s);
			setPlaying(s, true);
		});
		p.addEventListener("playing", function () {
			pauseOthers(s);
			setPlaying(s, true);
		});
		p.addEventListener("pause", function () {
			setPlaying(s, false);
			highlight(s, markerAt(s, p.getCurrentTime()));
		});
		p.addEventListener("ended", function () {
			setPlaying(s, false);
		});
		p.addEventListener("marker", function (e) {
			highlight(s, e.index);
		});
	}

	// Seek to marker i (a number, "prev" or "next") and stay paused there.
	// The player shows nothing at time 0 itself, so the first frame (the
	// events at time 0) is sought just after it.
	function seekMarker(s, i) {
		var p = s.player;
		var go = function () {
			var loc = typeof i === "number" && s.times[i] < FIRST ? FIRST : { marker: i };
			return p
				.seek(loc)
				.then(function () {
					if (p.getCurrentTime() < FIRST) return p.seek(FIRST);
				})
				.then(function () {
					highlight(s, typeof i === "number" ? i : markerAt(s, p.getCurrentTime()));
				});
		};
		if (s.playing) return p.pause().then(go);
		return go();
	}

	document.querySelectorAll("section.mv-scene").forEach(function (sec) {
		var k = Number(sec.getAttribute("data-scene"));
		var s = {
			sec: sec,
			el: sec.querySelector(".mv-player"),
			cast: data.casts[k],
			speed: data.speed,
			playing: false,
			playBtn: sec.querySelector(".mv-play"),
			buttons: Array.prototype.slice.call(sec.querySelectorAll(".mv-marker")),
		};
		s.times = s.buttons.map(function (b) {
			return Number(b.getAttribute("data-t"));
		});
		scenes.push(s);
		create(s, 0);
		s.buttons.forEach(function (b) {
			b.addEventListener("click", function () {
				seekMarker(s, Number(b.getAttribute("data-i")));
			});
		});
		sec.querySelector(".mv-prev").addEventListener("click", function () {
			seekMarker(s, "prev");
		});
		sec.querySelector(".mv-next").addEventListener("click", function () {
			seekMarker(s, "next");
		});
		s.playBtn.addEventListener("click", function () {
			if (s.playing) s.player.pause();
			else s.player.play();
		});
		// The player takes its speed when it is made: make it again where it was.
		sec.querySelector(".mv-speed").addEventListener("change", function (ev) {
			var t = s.player.getCurrentTime() || 0;
			var was = s.playing;
			s.speed = Number(ev.target.value);
			s.player.dispose();
			s.el.textContent = "";
			setPlaying(s, false);
			create(s, t);
			if (was) s.player.play();
		});
	});
	// For scripts (and the page's test): the scenes' players, in order.
	window.mapvizPlayers = scenes.map(function (s) {
		return function () {
			return s.player;
		};
	});
})();
