// Placeholder search page: reads q from the URL, calls /api/search, lists hits.
// Text goes in with textContent only; the snippet's <mark> tags are rebuilt as
// elements from the escaped text, so no markup from the index is ever parsed.
"use strict";

const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'", "&#x27;": "'" };

function unescapeHtml(text) {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (m) => ENTITIES[m]);
}

// "a <mark>b</mark> c" (HTML-escaped) -> text nodes and <mark> elements.
function snippetNodes(snippet) {
  const nodes = [];
  const parts = snippet.split(/(<mark>[\s\S]*?<\/mark>)/);
  for (const part of parts) {
    if (part.startsWith("<mark>") && part.endsWith("</mark>")) {
      const mark = document.createElement("mark");
      mark.textContent = unescapeHtml(part.slice(6, -7));
      nodes.push(mark);
    } else if (part) {
      nodes.push(document.createTextNode(unescapeHtml(part)));
    }
  }
  return nodes;
}

function renderHit(hit) {
  const li = document.createElement("li");
  li.className = "hit";
  const title = document.createElement(hit.url ? "a" : "strong");
  title.textContent = hit.title;
  if (hit.url && /^https?:\/\//.test(hit.url)) title.href = hit.url;
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = [hit.date, ...(hit.categories || [])].join(" · ");
  const snippet = document.createElement("p");
  snippet.append(...snippetNodes(hit.snippet || ""));
  li.append(title, meta, snippet);
  return li;
}

async function search(params) {
  const status = document.getElementById("status");
  const list = document.getElementById("hits");
  status.textContent = "Recherche…";
  try {
    const response = await fetch("/api/search?" + params.toString());
    const data = await response.json();
    if (!response.ok) {
      status.textContent = "Erreur : " + (data.error ? data.error.message : response.status);
      list.replaceChildren();
      return;
    }
    status.textContent = data.total + (data.total > 1 ? " articles" : " article");
    list.replaceChildren(...data.hits.map(renderHit));
  } catch (e) {
    status.textContent = "Le service de recherche ne répond pas.";
  }
}

const params = new URLSearchParams(window.location.search);
document.getElementById("q").value = params.get("q") || "";
search(params);
