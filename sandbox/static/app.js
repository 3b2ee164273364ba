// The sandbox page: a small Slack-like client for the emulated workspace.
// Plain JS, no build step. Every piece of text from the workspace goes into the DOM through
// text nodes (never innerHTML), so nothing a customer or the bot writes can become markup.
"use strict";

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// DOM helpers

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function postJSON(path, body) {
  try {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    return { httpStatus: response.status, ...data };
  } catch (error) {
    return { httpStatus: 0, ok: false, error: "the sandbox server is not reachable" };
  }
}

// ---------------------------------------------------------------------------------------------
// mrkdwn: Slack's markup, rendered into DOM nodes

const EMOJI = {
  warning: "⚠️", white_check_mark: "✅", raising_hand: "🙋", robot_face: "🤖", no_entry: "⛔",
  x: "❌", heavy_check_mark: "✔️", bar_chart: "📊", chart_with_upwards_trend: "📈",
  chart_with_downwards_trend: "📉", rotating_light: "🚨", bell: "🔔", mag: "🔍", memo: "📝",
  telephone_receiver: "📞", email: "📧", clock3: "🕒", hourglass: "⏳", fire: "🔥",
  thumbsup: "👍", "+1": "👍", thumbsdown: "👎", "-1": "👎", wave: "👋", eyes: "👀",
  information_source: "ℹ️", bulb: "💡", money_with_wings: "💸", moneybag: "💰",
  large_green_circle: "🟢", large_yellow_circle: "🟡", red_circle: "🔴", arrow_right: "➡️",
  link: "🔗", speech_balloon: "💬", busts_in_silhouette: "👥", bust_in_silhouette: "👤",
  tada: "🎉", pray: "🙏", sparkles: "✨", calendar: "📅", inbox_tray: "📥", outbox_tray: "📤",
  hand: "✋", mobile_phone: "📱", satellite_antenna: "📡", construction: "🚧",
};

function decodeEntities(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function escapeMrkdwn(text) {
  // What a Slack client does to what a person types before it becomes mrkdwn.
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function emojify(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
}

function safeHref(url) {
  return /^(https?:|mailto:)/i.test(url) ? url : null;
}

// A permalink from chat.getPermalink points into the emulated workspace: open it in the page.
function permalinkTarget(url) {
  const match = /\/archives\/([A-Z0-9_]+)\/p(\d{10})(\d{6})(?:\?thread_ts=([\d.]+))?/.exec(url);
  if (!match) return null;
  return { channel: match[1], ts: `${match[2]}.${match[3]}`, thread: match[4] || null };
}

function linkNode(url, label) {
  const target = permalinkTarget(url);
  if (target) {
    return el("a", {
      href: "#", class: "permalink",
      onclick: (event) => { event.preventDefault(); jumpTo(target.channel, target.ts); },
    }, label);
  }
  const href = safeHref(url);
  if (!href) return document.createTextNode(label);
  return el("a", { href, target: "_blank", rel: "noopener noreferrer" }, label);
}

function specialNode(token) {
  // token is what was between < and >, still entity-encoded.
  const [target, ...rest] = token.split("|");
  const label = rest.length ? decodeEntities(rest.join("|")) : null;
  if (target.startsWith("@")) {
    const person = state.data && state.data.people[target.slice(1)];
    return el("span", { class: "mention" }, "@" + (label || (person ? person.real_name : target.slice(1))));
  }
  if (target.startsWith("#")) {
    const channel = state.data && state.data.channels.find((c) => c.id === target.slice(1));
    return el("span", { class: "mention" }, "#" + (label || (channel ? channel.name : target.slice(1))));
  }
  if (target.startsWith("!date^")) return document.createTextNode(label || "");
  if (target.startsWith("!subteam^")) return el("span", { class: "mention" }, label || "@group");
  if (target.startsWith("!")) return el("span", { class: "mention" }, "@" + (label || target.slice(1)));
  const url = decodeEntities(target);
  return linkNode(url, label || url);
}

const BARE_URL = /https?:\/\/[^\s<>]+[^\s<>.,;:!?)\]'"]/g;

function textNodes(text, into) {
  // Plain stretch of mrkdwn: decode entities, turn :emoji: and bare URLs into what Slack shows.
  const plain = emojify(decodeEntities(text));
  let last = 0;
  for (const match of plain.matchAll(BARE_URL)) {
    into.append(plain.slice(last, match.index));
    into.append(linkNode(match[0], match[0]));
    last = match.index + match[0].length;
  }
  into.append(plain.slice(last));
}

// Formatting markers count only at word edges, as in Slack (snake_case stays plain).
const INLINE = /`([^`\n]+)`|<([^<>\n]+)>|(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])|(?<![\w_])_(?!\s)([^_\n]+?)_(?![\w_])|(?<![\w~])~(?!\s)([^~\n]+?)~(?![\w~])/;

function inline(text, into) {
  let rest = text;
  while (rest.length) {
    const match = INLINE.exec(rest);
    if (!match) { textNodes(rest, into); break; }
    textNodes(rest.slice(0, match.index), into);
    if (match[1] !== undefined) into.append(el("code", {}, decodeEntities(match[1])));
    else if (match[2] !== undefined) into.append(specialNode(match[2]));
    else {
      const tag = match[3] !== undefined ? "b" : match[4] !== undefined ? "i" : "s";
      const node = el(tag);
      inline(match[3] ?? match[4] ?? match[5], node);
      into.append(node);
    }
    rest = rest.slice(match.index + match[0].length);
  }
  return into;
}

function mrkdwn(text) {
  const out = el("div", { class: "mrkdwn" });
  const parts = String(text || "").split("```");
  parts.forEach((part, index) => {
    if (index % 2 === 1) {
      out.append(el("pre", {}, decodeEntities(part.replace(/^\n/, ""))));
      return;
    }
    let quote = null;
    let list = null;
    let paragraph = null;
    const lines = part.split("\n");
    lines.forEach((line, lineIndex) => {
      const quoted = /^(&gt;|>)\s?/.exec(line);
      const bullet = /^\s*(?:•|-|◦|▪)\s+/.exec(quoted ? line.slice(quoted[0].length) : line);
      if (quoted) {
        if (!quote) { quote = el("blockquote"); out.append(quote); }
        list = null; paragraph = null;
        const body = line.slice(quoted[0].length);
        if (bullet) quote.append(inline(body.slice(bullet[0].length), el("div", { class: "li" })));
        else quote.append(inline(body, el("div")));
        return;
      }
      quote = null;
      if (bullet) {
        if (!list) { list = el("ul"); out.append(list); }
        paragraph = null;
        list.append(inline(line.slice(bullet[0].length), el("li")));
        return;
      }
      list = null;
      if (line === "" && (lineIndex === 0 || lineIndex === lines.length - 1)) return;
      if (!paragraph) { paragraph = el("div", { class: "p" }); out.append(paragraph); }
      else paragraph.append(el("br"));
      inline(line, paragraph);
    });
  });
  return out;
}

function textObject(object) {
  if (!object) return el("span");
  if (object.type === "mrkdwn") return mrkdwn(object.text);
  return el("span", { class: "plain" }, object.emoji === false ? object.text : emojify(object.text || ""));
}

// ---------------------------------------------------------------------------------------------
// Block Kit

function fileUrl(url) {
  // Files the emulator serves are proxied on our own origin.
  const match = /\/files\/(F[A-Za-z0-9]+)/.exec(url || "");
  return match ? `/files/${match[1]}` : url;
}

function imageNode(block, className) {
  const source = block.slack_file
    ? (block.slack_file.id ? `/files/${block.slack_file.id}` : fileUrl(block.slack_file.url))
    : fileUrl(block.image_url);
  const href = source && (source.startsWith("/files/") ? source : safeHref(source));
  if (!href) return el("span", { class: "muted" }, `[image: ${block.alt_text || ""}]`);
  return el("img", { class: className, src: href, alt: block.alt_text || "", loading: "lazy" });
}

function buttonNode(element, where) {
  const style = element.style === "primary" || element.style === "danger" ? element.style : "";
  const button = el("button", {
    type: "button",
    class: `bk-button ${style}`,
    dataset: { actionId: element.action_id || "" },
  }, emojify((element.text && element.text.text) || "button"));
  if (!where) { button.disabled = true; return button; }
  button.addEventListener("click", async () => {
    if (element.url && safeHref(element.url)) window.open(element.url, "_blank", "noopener");
    button.disabled = true;
    const answer = await postJSON("/sandbox/api/click", {
      user: currentUser(), channel: where.channel, message_ts: where.ts,
      action_id: element.action_id, value: element.value ?? null, block_id: where.blockId ?? null,
    });
    button.disabled = false;
    if (!answer.ok) notice(answer.error || `The bot answered HTTP ${answer.status}`, "error");
    else if (answer.text) localEphemeral(where.channel, answer.text);
  });
  return button;
}

function elementNode(element, where) {
  if (element.type === "button") return buttonNode(element, where);
  if (element.type === "image") return imageNode(element, "bk-context-image");
  const label = (element.placeholder && element.placeholder.text) || element.type;
  return el("span", { class: "bk-unsupported", title: "not interactive in the sandbox" }, label);
}

function blockNode(block, where) {
  const at = where ? { ...where, blockId: block.block_id } : null;
  switch (block.type) {
    case "header":
      return el("div", { class: "bk-header" }, textObject(block.text));
    case "section": {
      const node = el("div", { class: "bk-section" });
      const main = el("div", { class: "bk-section-main" });
      if (block.text) main.append(textObject(block.text));
      if (block.fields) main.append(el("div", { class: "bk-fields" }, block.fields.map(textObject)));
      node.append(main);
      if (block.accessory) node.append(el("div", { class: "bk-accessory" }, elementNode(block.accessory, at)));
      return node;
    }
    case "context":
      return el("div", { class: "bk-context" }, (block.elements || []).map((item) =>
        item.type === "image" ? imageNode(item, "bk-context-image") : textObject(item)));
    case "divider":
      return el("hr", { class: "bk-divider" });
    case "actions":
      return el("div", { class: "bk-actions", dataset: { blockId: block.block_id || "" } },
        (block.elements || []).map((item) => elementNode(item, at)));
    case "image":
      return el("figure", { class: "bk-image" },
        block.title ? el("figcaption", {}, textObject(block.title)) : null,
        imageNode(block, ""));
    case "input":
      return inputNode(block);
    case "rich_text":
      return null; // a person's message: rendered from its text instead
    default:
      return el("div", { class: "bk-unsupported" }, `[${block.type} block]`);
  }
}

function blocksNode(blocks, where) {
  return el("div", { class: "blocks" }, (blocks || []).map((block) => blockNode(block, where)));
}

function inputNode(block) {
  const element = block.element || {};
  const id = `input-${block.block_id}`;
  let control;
  if (element.type === "static_select") {
    control = el("select", { id },
      el("option", { value: "" }, (element.placeholder && element.placeholder.text) || "Choose…"),
      (element.options || []).map((option) => el("option", {
        value: option.value,
        selected: element.initial_option && element.initial_option.value === option.value,
      }, option.text.text)));
  } else if (element.multiline) {
    control = el("textarea", { id, rows: 8, maxlength: element.max_length,
      placeholder: element.placeholder && element.placeholder.text });
    control.value = element.initial_value || "";
  } else {
    control = el("input", { id, type: "text", maxlength: element.max_length,
      placeholder: element.placeholder && element.placeholder.text });
    control.value = element.initial_value || "";
  }
  control.dataset.actionId = element.action_id || "";
  return el("div", { class: "bk-input", dataset: { blockId: block.block_id } },
    el("label", { for: id }, (block.label && block.label.text) || "",
      block.optional ? el("span", { class: "muted" }, " (optional)") : null),
    control,
    block.hint ? el("div", { class: "bk-hint" }, block.hint.text) : null,
    el("div", { class: "bk-input-error", role: "alert", hidden: true }));
}

// ---------------------------------------------------------------------------------------------
// Page state

const state = {
  data: null,
  channel: null,
  userByChannel: {},
  replyTo: null,
  seen: {},          // channel id -> message count when last shown (for unread badges)
  known: new Set(),  // message ts already rendered once (new ones flash)
  local: [],         // slash command answers: shown only to the person, never stored by Slack
  modalKey: null,
  toBottom: true,
};

function channelById(id) {
  return state.data.channels.find((c) => c.id === id);
}

function countMessages(channel) {
  return channel.threads.reduce((total, thread) => total + 1 + thread.replies.length, 0);
}

function defaultUser(channel) {
  const people = state.data.people;
  const members = channel.members.filter((id) => people[id] && people[id].role !== "bot");
  const prefer = { customer: "customer", agents: "agent", digest: "manager", other: "agent" }[channel.kind];
  return members.find((id) => people[id].role === prefer) || members[0] || null;
}

function currentUser() {
  const channel = channelById(state.channel);
  let user = state.userByChannel[state.channel];
  if (!user || !channel.members.includes(user)) {
    user = defaultUser(channel);
    state.userByChannel[state.channel] = user;
  }
  return user;
}

function personName(id) {
  const person = state.data.people[id];
  return person ? person.real_name : id;
}

function notice(text, kind) {
  const node = el("div", { class: `notice ${kind || ""}` }, text);
  $("notices").append(node);
  setTimeout(() => node.remove(), 8000);
}

function localEphemeral(channel, text) {
  state.local.push({ channel, user: currentUser(), text, ts: String(Date.now() / 1000) });
  render();
}

// ---------------------------------------------------------------------------------------------
// Rendering the page

function render() {
  if (!state.data) return;
  if (!channelById(state.channel)) state.channel = defaultChannel();
  renderSidebar();
  renderWho();
  renderHeader();
  renderMessages();
  renderModal();
}

function defaultChannel() {
  const first = state.data.channels.find((c) => c.kind === "customer") || state.data.channels[0];
  return first.id;
}

function renderSidebar() {
  $("workspace-name").textContent = state.data.team.name;
  const item = (channel) => {
    const unread = state.channel === channel.id ? 0 : countMessages(channel) - (state.seen[channel.id] || 0);
    return el("li", {},
      el("button", {
        type: "button",
        class: `channel ${state.channel === channel.id ? "active" : ""} ${unread > 0 ? "unread" : ""}`,
        dataset: { channel: channel.id },
        onclick: () => selectChannel(channel.id),
      },
      el("span", { class: "hash" }, channel.private ? lockIcon() : "#"),
      el("span", { class: "name" }, channel.name),
      channel.external ? el("span", { class: "ext", title: "Slack Connect: shared with " + (channel.org ? channel.org.name : "another organisation") }, "⇄") : null,
      unread > 0 ? el("span", { class: "badge" }, String(unread)) : null));
  };
  $("channels-customer").replaceChildren(...state.data.channels.filter((c) => c.kind === "customer").map(item));
  $("channels-internal").replaceChildren(...state.data.channels.filter((c) => c.kind !== "customer").map(item));
}

function renderWho() {
  const channel = channelById(state.channel);
  const people = state.data.people;
  const chosen = currentUser();
  const groups = {};
  for (const id of channel.members) {
    const person = people[id];
    if (!person || person.role === "bot") continue;
    const label = person.external ? `${person.team_name} (external)` : `${person.team_name} (staff)`;
    (groups[label] = groups[label] || []).push(person);
  }
  const select = $("who");
  select.replaceChildren(...Object.entries(groups).map(([label, members]) =>
    el("optgroup", { label }, members.map((person) =>
      el("option", { value: person.id, selected: person.id === chosen },
        `${person.real_name} · ${person.role}`)))));
  select.value = chosen || "";
  const person = people[chosen];
  $("who-hint").textContent = !person ? "" : person.external
    ? `Customer at ${person.team_name}, posting through Slack Connect.`
    : person.role === "agent" ? "Support agent: act on escalation cards, or reply in a customer thread to take over."
    : person.role === "manager" ? "Support manager: reads the digest." : "Staff member.";
}

function renderHeader() {
  const channel = channelById(state.channel);
  $("channel-title").replaceChildren(channel.private ? lockIcon() : "#", channel.name);
  const descriptions = {
    customer: `Slack Connect channel shared with ${channel.org ? channel.org.name : "a customer"}. The bot answers here in threads.`,
    agents: "Internal agent channel: escalation cards land here with Approve, Edit and Take over.",
    digest: "Internal digest channel: the daily support digest for managers.",
    other: "",
  };
  $("channel-desc").textContent = descriptions[channel.kind];
  $("digest-now").hidden = channel.kind !== "digest";
  const who = personName(currentUser());
  $("composer-text").placeholder = state.replyTo
    ? `Reply in thread as ${who}`
    : `Message #${channel.name} as ${who}`;
  $("reply-target").hidden = !state.replyTo;
  renderSuggestions(channel);
}

const SUGGESTIONS = [
  "Where can I download last month's invoice?",
  "How much does it cost to use my phone in France?",
  "This is the third time my calls dropped today. I want to cancel my contract and switch provider!",
  "Can I talk to a person please?",
];

function renderSuggestions(channel) {
  const box = $("suggestions");
  const person = state.data.people[currentUser()];
  box.hidden = channel.kind !== "customer" || !person || !person.external || Boolean(state.replyTo);
  if (box.hidden) return;
  box.replaceChildren(el("span", { class: "muted" }, "Try: "), ...SUGGESTIONS.map((text) =>
    el("button", { type: "button", class: "chip", onclick: () => {
      $("composer-text").value = text; $("composer-text").focus();
    } }, text)));
}

function initialsOf(name) {
  const words = name.split(/\s+/).filter((word) => /^[\p{L}\p{N}]/u.test(word));
  return words.map((word) => word[0]).join("").slice(0, 2).toUpperCase() || "?";
}

function lockIcon() {
  // Drawn rather than an emoji: the sidebar must look right even without an emoji font.
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("class", "lock");
  svg.setAttribute("aria-label", "private");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", "M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z");
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

function messageNode(message, channel, options) {
  const people = state.data.people;
  const isBot = Boolean(message.bot_id);
  const author = people[message.user] || { real_name: message.user || "unknown", role: "bot" };
  const where = { channel: channel.id, ts: message.ts };
  const content = isBot && message.blocks && message.blocks.length
    ? blocksNode(message.blocks, where)
    : mrkdwn(isBot ? message.text : escapeMrkdwn(message.text || ""));
  const files = (message.files || []).map((file) => (file.mimetype || "").startsWith("image/")
    ? el("figure", { class: "file-image" },
      el("img", { src: `/files/${file.id}`, alt: file.title || file.name }),
      el("figcaption", {}, file.title || file.name))
    : el("a", { class: "file", href: `/files/${file.id}`, target: "_blank" }, `📎 ${file.title || file.name}`));
  const badge = isBot ? el("span", { class: "tag app" }, "APP")
    : author.external ? el("span", { class: "tag ext" }, author.team_name)
    : author.role === "agent" || author.role === "manager" ? el("span", { class: "tag staff" }, author.role)
    : null;
  const time = new Date(Number(message.ts) * 1000);
  const isNew = !state.known.has(message.ts) && state.known.size > 0;
  const initials = isBot ? "AI" : initialsOf(author.real_name || "?");
  return el("div", {
    class: `message ${isBot ? "from-bot" : ""} ${options.ephemeral ? "ephemeral" : ""} ${isNew ? "new" : ""}`,
    dataset: { ts: message.ts, user: message.user || "" },
  },
  el("div", { class: `avatar role-${author.role || "bot"}` }, initials),
  el("div", { class: "message-body" },
    el("div", { class: "meta" },
      el("span", { class: "author" }, isBot ? "HITL Support" : author.real_name), badge,
      el("time", { datetime: time.toISOString(), title: time.toLocaleString() },
        time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })),
      message.edited ? el("span", { class: "muted" }, "(edited)") : null,
      options.ephemeral ? el("span", { class: "only-you" }, "Only visible to you") : null),
    content, files));
}

function renderMessages() {
  const channel = channelById(state.channel);
  const me = currentUser();
  const box = $("messages");
  const nearBottom = state.toBottom || box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  state.toBottom = false;
  const mine = (state.data.ephemerals[me] || []).filter((e) => e.channel === channel.id);
  const local = state.local.filter((e) => e.channel === channel.id && e.user === me);
  const roots = new Set(channel.threads.map((t) => t.ts));
  const items = [
    ...channel.threads.map((thread) => ({ ts: thread.ts, thread })),
    ...mine.filter((e) => !e.thread_ts || !roots.has(e.thread_ts)).map((e) => ({ ts: e.ts, ephemeral: e })),
    ...local.map((e) => ({ ts: e.ts, ephemeral: { ...e, user: state.data.bot_user_id, bot_id: "local" } })),
  ].sort((a, b) => Number(a.ts) - Number(b.ts));
  const nodes = items.map((item) => item.thread
    ? threadNode(item.thread, channel, mine.filter((e) => e.thread_ts === item.thread.ts))
    : messageNode(item.ephemeral, channel, { ephemeral: true }));
  if (!nodes.length) {
    nodes.push(el("div", { class: "empty" }, channel.kind === "agents"
      ? "No escalations yet. Post something risky as a customer in a customer channel."
      : channel.kind === "digest" ? "No digest yet. Press “Post digest now”." : "No messages yet. Say something below."));
  }
  box.replaceChildren(...nodes);
  const fresh = box.querySelector(".message.new");
  if (fresh && !nearBottom) fresh.scrollIntoView({ block: "nearest" });
  else if (nearBottom) box.scrollTop = box.scrollHeight;
  for (const c of state.data.channels) {
    for (const t of c.threads) { state.known.add(t.ts); t.replies.forEach((r) => state.known.add(r.ts)); }
  }
  (state.data.ephemerals[me] || []).forEach((e) => state.known.add(e.ts));
  state.seen[channel.id] = countMessages(channel);
}

function threadNode(thread, channel, ephemerals) {
  const replies = [...thread.replies.map((r) => ({ message: r })),
    ...ephemerals.map((e) => ({ message: e, ephemeral: true }))]
    .sort((a, b) => Number(a.message.ts) - Number(b.message.ts));
  const replying = state.replyTo === thread.ts;
  return el("div", { class: `thread ${replying ? "replying" : ""}`, dataset: { threadTs: thread.ts } },
    messageNode(thread, channel, {}),
    replies.length ? el("div", { class: "replies" },
      el("div", { class: "reply-count" }, `${thread.replies.length} ${thread.replies.length === 1 ? "reply" : "replies"}`),
      replies.map((r) => messageNode(r.message, channel, { ephemeral: r.ephemeral }))) : null,
    el("button", { type: "button", class: "link-button reply-link", dataset: { replyTo: thread.ts },
      onclick: () => { state.replyTo = thread.ts; render(); $("composer-text").focus(); } },
    replying ? "Replying in this thread…" : "Reply in thread"));
}

// ---------------------------------------------------------------------------------------------
// The modal

function openView() {
  return state.data.views.find((v) => v.user === currentUser()) || null;
}

function renderModal() {
  const record = openView();
  const key = record ? `${record.id}:${record.view.hash}` : null;
  $("modal-backdrop").hidden = !record;
  if (key === state.modalKey) return; // keep what the person is typing
  state.modalKey = key;
  if (!record) return;
  const view = record.view;
  $("modal").dataset.viewId = record.id;
  $("modal-title").textContent = (view.title && view.title.text) || "";
  $("modal-body").replaceChildren(blocksNode(view.blocks, null));
  $("modal-error").hidden = true;
  $("modal-submit").hidden = !view.submit;
  $("modal-submit").textContent = (view.submit && view.submit.text) || "Submit";
  $("modal-cancel").textContent = (view.close && view.close.text) || "Cancel";
  const first = $("modal-body").querySelector("textarea, input, select");
  if (first) first.focus();
}

function showInputError(blockId, message) {
  const input = [...$("modal-body").querySelectorAll(".bk-input")].find((n) => n.dataset.blockId === blockId);
  if (!input) return false;
  const box = input.querySelector(".bk-input-error");
  box.textContent = message;
  box.hidden = false;
  input.classList.add("has-error");
  return true;
}

async function submitModal() {
  const record = openView();
  if (!record) return;
  const values = {};
  let missing = false;
  for (const node of $("modal-body").querySelectorAll(".bk-input")) {
    node.classList.remove("has-error");
    node.querySelector(".bk-input-error").hidden = true;
    const control = node.querySelector("textarea, input, select");
    const block = record.view.blocks.find((b) => b.block_id === node.dataset.blockId);
    if (!block.optional && control.value === "") {
      // Slack's own client refuses an empty required field before anything is sent
      // (only empty: whitespace goes through, and the app must answer it).
      showInputError(node.dataset.blockId, "Please fill out this field.");
      missing = true;
    }
    values[node.dataset.blockId] = { [control.dataset.actionId]: control.value };
  }
  if (missing) return;
  $("modal-error").hidden = true;
  $("modal-submit").disabled = true;
  const answer = await postJSON("/sandbox/api/submit", { user: currentUser(), view_id: record.id, values });
  $("modal-submit").disabled = false;
  const reply = answer.answer || {};
  if (answer.httpStatus !== 200 || !answer.ok) {
    $("modal-error").textContent = answer.error || `We had some trouble connecting (HTTP ${answer.status}). Try again.`;
    $("modal-error").hidden = false;
  } else if (reply.response_action === "errors") {
    for (const [blockId, message] of Object.entries(reply.errors || {})) {
      if (!showInputError(blockId, message)) {
        $("modal-error").textContent = message;
        $("modal-error").hidden = false;
      }
    }
  }
  refresh();
}

async function cancelModal() {
  const record = openView();
  if (!record) return;
  const answer = await postJSON("/sandbox/api/close_view", { user: currentUser(), view_id: record.id });
  if (!answer.ok) notice(answer.error || "Could not close the modal", "error");
  refresh();
}

// ---------------------------------------------------------------------------------------------
// Gestures

function selectChannel(id) {
  state.channel = id;
  state.replyTo = null;
  state.toBottom = true; // a channel opens at its latest messages, as in Slack
  render();
}

function jumpTo(channelId, ts) {
  if (!channelById(channelId)) return;
  selectChannel(channelId);
  const node = document.querySelector(`.message[data-ts="${CSS.escape(ts)}"]`);
  if (node) {
    node.scrollIntoView({ block: "center" });
    node.classList.add("highlight");
    setTimeout(() => node.classList.remove("highlight"), 2500);
  }
}

async function send(event) {
  event.preventDefault();
  const box = $("composer-text");
  const text = box.value;
  if (!text.trim()) return;
  const user = currentUser();
  $("send").disabled = true;
  let answer;
  if (text.startsWith("/")) {
    const [command, ...words] = text.trim().split(/\s+/);
    answer = await postJSON("/sandbox/api/command", { user, channel: state.channel, command, text: words.join(" ") });
    if (answer.ok && answer.text) localEphemeral(state.channel, answer.text);
  } else {
    answer = await postJSON("/sandbox/api/say", { user, channel: state.channel, text, thread_ts: state.replyTo });
  }
  $("send").disabled = false;
  if (answer.httpStatus === 200) box.value = "";
  if (answer.httpStatus !== 200) notice(answer.error || "Could not send", "error");
  else if (!answer.ok) notice(`Sent, but the bot answered HTTP ${answer.status}`, "error");
  refresh();
}

async function postDigest() {
  const manager = state.data.manager;
  notice(`Running /hitl digest as ${personName(manager)}…`);
  const answer = await postJSON("/sandbox/api/command", {
    user: manager, channel: state.data.digest_channel, command: "/hitl", text: "digest",
  });
  if (!answer.ok) notice(answer.error || `The bot answered HTTP ${answer.status}`, "error");
  else if (answer.text) {
    state.local.push({ channel: state.data.digest_channel, user: manager, text: answer.text, ts: String(Date.now() / 1000) });
    render();
  }
}

// ---------------------------------------------------------------------------------------------
// Keeping up to date: one server-sent event per change, then a fresh state

let refreshing = null;
let again = false;

async function refresh() {
  if (refreshing) { again = true; return refreshing; }
  refreshing = (async () => {
    do {
      again = false;
      try {
        const response = await fetch("/sandbox/api/state", { cache: "no-store" });
        const first = !state.data;
        state.data = await response.json();
        if (first) {
          state.channel = state.channel || defaultChannel();
          for (const c of state.data.channels) state.seen[c.id] = countMessages(c);
        }
        render();
      } catch (error) {
        $("live").textContent = "sandbox server not reachable";
      }
    } while (again);
    refreshing = null;
  })();
  return refreshing;
}

function listen() {
  if (!window.EventSource) { setInterval(refresh, 1500); $("live").textContent = "● polling"; return; }
  const source = new EventSource("/sandbox/api/events");
  source.addEventListener("hello", () => { $("live").textContent = "● live"; $("live").className = "live on"; refresh(); });
  source.onmessage = () => refresh();
  source.onerror = () => { $("live").textContent = "reconnecting…"; $("live").className = "live"; };
}

function start() {
  $("composer").addEventListener("submit", send);
  $("composer-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) send(event);
  });
  $("who").addEventListener("change", () => {
    state.userByChannel[state.channel] = $("who").value;
    state.modalKey = null;
    render();
  });
  $("reply-cancel").addEventListener("click", () => { state.replyTo = null; render(); });
  $("digest-now").addEventListener("click", postDigest);
  $("modal-submit").addEventListener("click", submitModal);
  $("modal-cancel").addEventListener("click", cancelModal);
  $("modal-x").addEventListener("click", cancelModal);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("modal-backdrop").hidden) cancelModal();
  });
  refresh().then(listen);
}

start();
