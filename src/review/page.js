"use strict";
// The review page's script. Everything it shows comes from the JSON model in
// #tmalign-data and is put into the page with textContent only (never innerHTML), so a
// document's text cannot become markup. The reviewer's work lives in `docs[k].items`; Save
// turns it into review rows in the schema of `tmalign tm export-csv` (see saveReview).
(function () {
  const data = JSON.parse(document.getElementById("tmalign-data").textContent);
  let seq = 0;
  const editing = new Map(); // uid -> "src" | "tgt"
  const splitting = new Set(); // uid
  const hints = new Map(); // uid -> message

  const joiner = (lang) => (lang === "zh" ? "" : " ");
  const joinSide = (lang, sents) =>
    sents.map((s) => s.trim()).filter((s) => s).join(joiner(lang));
  const lines = (text) => text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s);

  const docs = data.docs.map((d) => ({
    d,
    items: d.units.map((u, i) => ({
      uid: ++seq,
      src: u.source.slice(),
      tgt: u.target.slice(),
      origins: [i],
      status: "",
      changed: false,
      dirty: { src: false, tgt: false }, // which sides were changed by hand or by a move
      comment: "",
      paragraph: u.paragraph,
    })),
  }));

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function button(act, label, title, extra) {
    const b = el("button", extra || "", label);
    b.type = "button";
    b.dataset.act = act;
    if (title) b.title = title;
    return b;
  }

  // What an item shows: the unit's own figures while unchanged, else derived ones.
  function view(doc, it) {
    const units = doc.d.units;
    const first = units[it.origins[0]];
    const oneSided = !it.src.length || !it.tgt.length;
    let flags, conf, bead, qa;
    if (!it.changed) {
      flags = first.flags.slice();
      conf = first.confidence;
      bead = first.bead;
      qa = first.qa;
    } else {
      const set = new Set();
      qa = [];
      conf = null;
      for (const o of it.origins) {
        units[o].flags.forEach((f) => set.add(f));
        qa = qa.concat(units[o].qa);
        const c = units[o].confidence;
        if (c !== null && c !== undefined) conf = conf === null ? c : Math.min(conf, c);
      }
      set.delete("unaligned");
      set.delete("empty");
      if (oneSided) set.add("unaligned");
      flags = Array.from(set);
      bead = it.src.length + "-" + it.tgt.length;
    }
    if (oneSided && !flags.includes("unaligned")) flags.push("unaligned");
    let colour;
    if (oneSided) colour = "cu";
    else if (conf === null || conf === undefined) colour = "cn";
    else if (conf >= 0.9) colour = "c4";
    else if (conf >= 0.7) colour = "c3";
    else if (conf >= 0.5) colour = "c2";
    else if (conf >= 0.3) colour = "c1";
    else colour = "c0";
    return { flags, conf, bead, qa, colour, oneSided };
  }

  function sideCell(doc, it, idx, side) {
    const lang = side === "src" ? doc.d.src_lang : doc.d.tgt_lang;
    const sents = it[side];
    const cell = el("div", "side " + side);
    cell.lang = lang;
    if (editing.get(it.uid) === side) {
      const ta = el("textarea", "edit");
      ta.value = sents.join("\n");
      ta.dataset.side = side;
      cell.appendChild(ta);
      cell.appendChild(el("div", "hint", "one sentence a line"));
      cell.appendChild(button("done", "done", "keep this text"));
      cell.appendChild(button("cancel", "cancel"));
      return cell;
    }
    if (splitting.has(it.uid)) {
      const ta = el("textarea", "split");
      const cut = Math.ceil(sents.length / 2);
      ta.value = sents.length >= 2
        ? sents.slice(0, cut).join("\n") + "\n\n" + sents.slice(cut).join("\n")
        : sents.join("\n");
      ta.dataset.side = side;
      cell.appendChild(ta);
      return cell;
    }
    if (!sents.length) cell.classList.add("empty");
    const last = doc.items.length - 1;
    sents.forEach((s, j) => {
      const span = el("div", "sent");
      span.appendChild(el("span", "text", s));
      if (j === 0 && idx > 0) {
        const b = button("up", "↑", "move this sentence to the unit above", "mv");
        b.dataset.side = side;
        span.appendChild(b);
      }
      if (j === sents.length - 1 && idx < last) {
        const b = button("down", "↓", "move this sentence to the unit below", "mv");
        b.dataset.side = side;
        span.appendChild(b);
      }
      cell.appendChild(span);
    });
    return cell;
  }

  function unitEl(doc, it, idx) {
    const v = view(doc, it);
    const div = el("div", "unit " + v.colour);
    if (it.status) div.classList.add("s-" + it.status);
    if (it.changed) div.classList.add("changed");
    div.dataset.uid = it.uid;
    div.dataset.idx = idx;
    div.dataset.flags = v.flags.join(" ");
    div.dataset.conf = v.conf === null || v.conf === undefined ? "" : String(v.conf);
    div.dataset.status = it.status;
    const mn = it.src.length > 1 || it.tgt.length > 1;
    const meta = el("div", "meta");
    meta.appendChild(el("span", "bead" + (mn ? " mn" : ""), v.bead));
    if (v.conf !== null && v.conf !== undefined) meta.appendChild(el("span", "conf", " " + v.conf.toFixed(3)));
    meta.appendChild(el("br"));
    v.flags.forEach((f) => meta.appendChild(el("span", "flag f-" + f, f)));
    v.qa.forEach((q) => meta.appendChild(el("div", "qa", q)));
    meta.appendChild(el("div", "state", it.status || ""));
    div.appendChild(meta);
    for (const side of ["src", "tgt"]) {
      const cell = sideCell(doc, it, idx, side);
      if (mn) cell.classList.add("mn");
      div.appendChild(cell);
    }
    const acts = el("div", "acts");
    if (splitting.has(it.uid)) {
      acts.appendChild(el("span", "hint", "put a blank line where the unit splits, on both sides "));
      acts.appendChild(button("split-apply", "apply split"));
      acts.appendChild(button("split-cancel", "cancel"));
    } else {
      acts.appendChild(button("ok", "ok", "the alignment is right"));
      acts.appendChild(button("reject", "reject", "drop this unit from the TMX"));
      acts.appendChild(button("edit-src", "edit source"));
      acts.appendChild(button("edit-tgt", "edit target"));
      if (idx < doc.items.length - 1) acts.appendChild(button("merge", "merge ↓", "join with the next unit"));
      acts.appendChild(button("split", "split", "cut into two or more units"));
      const c = el("input", "comment");
      c.type = "text";
      c.placeholder = "comment";
      c.value = it.comment;
      acts.appendChild(c);
    }
    if (hints.has(it.uid)) acts.appendChild(el("span", "hint", " " + hints.get(it.uid)));
    div.appendChild(acts);
    return div;
  }

  function render(k) {
    const doc = docs[k];
    const box = document.querySelector('.units[data-doc="' + k + '"]');
    box.textContent = "";
    let para;
    doc.items.forEach((it, idx) => {
      if (it.paragraph !== null && it.paragraph !== undefined && it.paragraph !== para) {
        box.appendChild(el("div", "para", "¶ " + it.paragraph));
        para = it.paragraph;
      }
      box.appendChild(unitEl(doc, it, idx));
    });
    applyFilter();
  }

  function applyFilter() {
    const flagged = document.getElementById("f-flagged").checked;
    const below = parseFloat(document.getElementById("f-below").value);
    const open = document.getElementById("f-open").checked;
    let shown = 0, total = 0;
    document.querySelectorAll(".unit").forEach((u) => {
      let vis = true;
      if (flagged && !u.dataset.flags) vis = false;
      if (!isNaN(below) && !(u.dataset.conf !== "" && parseFloat(u.dataset.conf) < below)) vis = false;
      if (open && u.dataset.status) vis = false;
      u.classList.toggle("hidden", !vis);
      total += 1;
      if (vis) shown += 1;
    });
    document.getElementById("shown").textContent = shown + " of " + total + " units shown";
  }

  const union = (a, b) => Array.from(new Set(a.concat(b))).sort((x, y) => x - y);

  function merge(doc, idx) {
    const a = doc.items[idx], b = doc.items[idx + 1];
    if (!b) return;
    a.src = a.src.concat(b.src);
    a.tgt = a.tgt.concat(b.tgt);
    a.origins = union(a.origins, b.origins);
    a.comment = [a.comment, b.comment].filter((c) => c).join("; ");
    a.status = "";
    a.changed = true;
    a.dirty = { src: true, tgt: true };
    doc.items.splice(idx + 1, 1);
  }

  // Moves the first (up) or last (down) sentence of a side to the neighbour; an item left
  // with no text hands its units over to that neighbour (its text went there).
  function move(doc, idx, side, dir) {
    const from = doc.items[idx], to = doc.items[idx + dir];
    if (!to || !from[side].length) return;
    if (dir < 0) to[side].push(from[side].shift());
    else to[side].unshift(from[side].pop());
    from.changed = to.changed = true;
    from.dirty[side] = to.dirty[side] = true;
    from.status = to.status = "";
    if (!from.src.length && !from.tgt.length) {
      to.origins = union(to.origins, from.origins);
      doc.items.splice(idx, 1);
    }
  }

  function splitApply(doc, idx, unitDiv) {
    const it = doc.items[idx];
    const parts = {};
    for (const side of ["src", "tgt"]) {
      const ta = unitDiv.querySelector('textarea.split[data-side="' + side + '"]');
      parts[side] = ta.value.split(/\r?\n\s*\r?\n/).map(lines).filter((p) => p.length);
    }
    if (parts.src.length < 2 || parts.src.length !== parts.tgt.length) {
      hints.set(it.uid, "both sides need the same number of parts, two or more (" +
        parts.src.length + " and " + parts.tgt.length + ")");
      return;
    }
    hints.delete(it.uid);
    splitting.delete(it.uid);
    const items = parts.src.map((src, j) => ({
      uid: j === 0 ? it.uid : ++seq,
      src,
      tgt: parts.tgt[j],
      origins: it.origins.slice(),
      status: "",
      changed: true,
      dirty: { src: true, tgt: true },
      comment: j === 0 ? it.comment : "",
      paragraph: it.paragraph,
    }));
    doc.items.splice(idx, 1, ...items);
  }

  document.addEventListener("click", (ev) => {
    const b = ev.target.closest("button");
    if (!b) return;
    if (b.classList.contains("save")) {
      saveReview(Number(b.dataset.doc));
      return;
    }
    const unitDiv = b.closest(".unit");
    if (!unitDiv) return;
    const k = Number(unitDiv.closest(".units").dataset.doc);
    const doc = docs[k];
    const idx = doc.items.findIndex((it) => it.uid === Number(unitDiv.dataset.uid));
    const it = doc.items[idx];
    if (!it) return;
    switch (b.dataset.act) {
      case "ok": it.status = it.status === "ok" ? "" : "ok"; break;
      case "reject": it.status = it.status === "reject" ? "" : "reject"; break;
      case "edit-src": editing.set(it.uid, "src"); break;
      case "edit-tgt": editing.set(it.uid, "tgt"); break;
      case "done": {
        const side = editing.get(it.uid);
        const ta = unitDiv.querySelector("textarea.edit");
        const next = lines(ta.value);
        if (next.join("\n") !== it[side].join("\n")) {
          it[side] = next;
          it.changed = true;
          it.dirty[side] = true;
        }
        editing.delete(it.uid);
        break;
      }
      case "cancel": editing.delete(it.uid); break;
      case "merge": merge(doc, idx); break;
      case "split": splitting.add(it.uid); break;
      case "split-apply": splitApply(doc, idx, unitDiv); break;
      case "split-cancel": splitting.delete(it.uid); hints.delete(it.uid); break;
      case "up": move(doc, idx, b.dataset.side, -1); break;
      case "down": move(doc, idx, b.dataset.side, 1); break;
      default: return;
    }
    render(k);
  });
  document.addEventListener("input", (ev) => {
    const t = ev.target;
    if (t.classList && t.classList.contains("comment")) {
      const unitDiv = t.closest(".unit");
      const doc = docs[Number(unitDiv.closest(".units").dataset.doc)];
      const it = doc.items.find((x) => x.uid === Number(unitDiv.dataset.uid));
      if (it) it.comment = t.value;
    } else if (t.id && t.id.startsWith("f-")) {
      applyFilter();
    }
  });

  // The review rows of document k. Every unit of the TMX gets one row (several for a
  // split), in TMX order:
  // - a unit that heads one live item (its first unit): that item's status, or `fix` with
  //   the item's texts when it was edited, merged or had sentences moved;
  // - a unit that heads several items (a split): one `split` row per item;
  // - a unit merged into the item of the row just above: `merge` (texts as they were);
  // - any other (rejected, left one-sided, or its text moved elsewhere): `reject`;
  // - a 1-0 / 0-1 bead of the review file run / align write (a row without key, no unit of
  //   the TMX): its row as it was, status empty (the import skips it).
  // Items with no TMX unit (unaligned sentences paired up) ride along as extra parts of
  // the nearest preceding (else following) split group.
  function reviewRows(k) {
    const doc = docs[k];
    const units = doc.d.units;
    const inTmx = (o) => !!(units[o].row && units[o].row.key);
    const live = (it) => it.status !== "reject" && it.src.length && it.tgt.length;
    const headed = new Map(), absorbedIn = new Map();
    let lastHead = null;
    const pending = [];
    for (const it of doc.items) {
      if (!live(it)) continue;
      const o = it.origins.filter(inTmx);
      if (!o.length) {
        if (lastHead === null) pending.push(it);
        else headed.get(lastHead).push(it);
        continue;
      }
      const h = o[0];
      if (!headed.has(h)) headed.set(h, []);
      headed.get(h).push(...pending.splice(0), it);
      o.slice(1).forEach((x) => { if (!absorbedIn.has(x)) absorbedIn.set(x, it); });
      lastHead = h;
    }
    // a side nobody touched keeps the TMX's text byte for byte
    const text = (it, side) => {
      if (!it.changed || (!it.dirty[side] && it.origins.length === 1)) {
        return units[it.origins[0]][side === "src" ? "source_text" : "target_text"];
      }
      return joinSide(side === "src" ? doc.d.src_lang : doc.d.tgt_lang, it[side]);
    };
    const out = [];
    const row = (u, src, tgt, status, comment) => {
      const r = units[u].row;
      out.push([r.id, r.confidence, r.bead, src, tgt, r.source_lines, r.target_lines, r.flags,
        status, comment, r.key]);
    };
    const itemOf = new Map();
    doc.items.forEach((it) => it.origins.forEach((o) => { if (!itemOf.has(o)) itemOf.set(o, it); }));
    let above = null;
    for (let u = 0; u < units.length; u++) {
      if (!inTmx(u)) {
        if (units[u].row) row(u, units[u].source_text, units[u].target_text, "", "");
        continue;
      }
      const U = units[u];
      const group = headed.get(u);
      if (group && group.length === 1) {
        const it = group[0];
        if (it.changed || it.origins.length > 1) row(u, text(it, "src"), text(it, "tgt"), "fix", it.comment);
        else row(u, U.source_text, U.target_text, it.status, it.comment);
        above = it;
      } else if (group) {
        group.forEach((it) => row(u, text(it, "src"), text(it, "tgt"), "split", it.comment));
        above = group[group.length - 1];
      } else if (absorbedIn.has(u) && absorbedIn.get(u) === above) {
        row(u, U.source_text, U.target_text, "merge", "");
      } else {
        const it = itemOf.get(u);
        row(u, U.source_text, U.target_text, "reject", it && it.status === "reject" ? it.comment : "");
        above = null;
      }
    }
    return { rows: out, lost: pending.length };
  }

  function protect(t) {
    return /^[=+\-@\t\r]/.test(t.replace(/^'+/, "")) ? "'" + t : t;
  }
  // quoted only when needed, lines ended by LF: byte for byte what tmalign's CSV writer writes
  const cell = (t) => {
    const p = protect(String(t));
    return /[",\r\n]/.test(p) ? '"' + p.replace(/"/g, '""') + '"' : p;
  };
  const HEADER = ["id", "confidence", "bead", "source_text", "target_text", "source_lines",
    "target_lines", "flags", "status", "comment", "key"];

  function csvText(k) {
    const { rows } = reviewRows(k);
    return "\ufeff" + [HEADER.join(",")].concat(rows.map((r) => r.map(cell).join(",")))
      .join("\n") + "\n";
  }

  function saveReview(k) {
    const { lost } = reviewRows(k);
    const info = document.querySelector('.doc[data-doc="' + k + '"] .saveinfo');
    if (lost) {
      info.textContent = "cannot save: " + lost + " new unit(s) have no TMX unit to attach to";
      return;
    }
    const blob = new Blob([csvText(k)], { type: "text/csv;charset=utf-8" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = docs[k].d.name + ".review.csv";
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 2000);
  }

  window.tmalignReview = { docs, csv: csvText, rows: reviewRows, render, save: saveReview };
  docs.forEach((_, k) => render(k));
})();
