// Browser tests of the search page (web/), run by tests/web/run.sh:
//   FRS_BIN_DIR=build/bin node --test tests/web/page.test.mjs
// Builds an index of corpus/sample with FRS_BIN_DIR/indexer, serves it with
// FRS_BIN_DIR/searchd on a free port, and drives Debian's chromium
// (/usr/bin/chromium, or FRS_CHROMIUM) with playwright-core. Screenshots go to
// FRS_SCREENSHOTS (default build/web-screenshots/). searchd and the browser
// are stopped at the end, whatever happened.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const binDir = path.resolve(process.env.FRS_BIN_DIR || path.join(root, "build/bin"));
const shots = path.resolve(process.env.FRS_SCREENSHOTS || path.join(root, "build/web-screenshots"));
const chromiumPath = process.env.FRS_CHROMIUM || "/usr/bin/chromium";
const XSS_ID = "2024-06-securite-web-sensibilisation-agents";

let tmp;
let searchd;
let context;
let base;
const problems = [];  // page errors, failed requests, requests leaving searchd

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url, child, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`searchd exited with status ${child.exitCode}`);
    try {
      const response = await fetch(url + "/health");
      if (response.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("searchd did not answer /health in time");
}

function stopSearchd() {
  if (searchd && searchd.exitCode === null) searchd.kill("SIGTERM");
}
process.on("exit", stopSearchd);

before(async () => {
  for (const tool of ["indexer", "searchd"]) {
    assert.ok(existsSync(path.join(binDir, tool)), `${tool} not found in ${binDir}`);
  }
  assert.ok(existsSync(chromiumPath), `${chromiumPath} not found (scripts/setup.sh browser)`);
  mkdirSync(shots, { recursive: true });
  tmp = mkdtempSync(path.join(tmpdir(), "frs-web-"));
  const index = path.join(tmp, "index");
  const built = spawnSync(path.join(binDir, "indexer"),
    ["build", "--index", index, path.join(root, "corpus/sample")], { encoding: "utf8" });
  assert.equal(built.status, 0, "indexer build failed:\n" + built.stderr);

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  searchd = spawn(path.join(binDir, "searchd"),
    ["--index", index, "--host", "127.0.0.1", "--port", String(port)],
    { stdio: ["ignore", "ignore", "inherit"] });
  await waitHealthy(base, searchd, 15000);

  context = await chromium.launchPersistentContext(path.join(tmp, "profile"), {
    executablePath: chromiumPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--lang=fr-FR"],
    viewport: { width: 1280, height: 900 },
    locale: "fr-FR",
    timezoneId: "Europe/Paris",
  });
  context.setDefaultTimeout(10000);
});

after(async () => {
  try {
    if (context) await context.close();
  } finally {
    stopSearchd();
    if (searchd && searchd.exitCode === null) {
      await new Promise((resolve) => {
        const timer = setTimeout(() => { searchd.kill("SIGKILL"); resolve(); }, 5000);
        searchd.once("exit", () => { clearTimeout(timer); resolve(); });
      });
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
});

/** A new tab that records what must never happen. */
async function newPage(viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.dialogs = [];
  page.on("dialog", async (dialog) => {
    page.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on("pageerror", (error) => problems.push("page error: " + error.message));
  page.on("console", (message) => {
    // (an HTTP error is reported by the "response" handler, with its URL)
    if (message.type() === "error" && !/^Failed to load resource/.test(message.text())) {
      problems.push("console error: " + message.text());
    }
  });
  page.on("request", (request) => {
    if (!request.url().startsWith(base + "/")) problems.push("request outside searchd: " + request.url());
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("requestfailed", (request) => {
    const failure = request.failure();
    if (failure && !/ERR_ABORTED/.test(failure.errorText)) {
      problems.push(`request failed: ${request.url()} ${failure.errorText}`);
    }
  });
  return page;
}

const shot = (page, name) => page.screenshot({ path: path.join(shots, name + ".png"), fullPage: true });
const countText = (page) => page.locator("#count").textContent();
const totalOf = (text) => Number(String(text).replace(/\D/g, ""));
const params = (page) => new URL(page.url()).searchParams;
const loaded = (page) => page.waitForFunction(() =>
  !document.getElementById("results").hasAttribute("aria-busy") || !document.getElementById("search-view").offsetParent);

async function apiTotal(query) {
  const response = await fetch(base + "/api/search?" + query);
  return (await response.json()).total;
}

async function noHorizontalScroll(page) {
  const sizes = await page.evaluate(() => ({
    scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    width: window.innerWidth,
  }));
  assert.ok(sizes.scroll <= sizes.width, `page is ${sizes.scroll}px wide in a ${sizes.width}px viewport`);
}

// One visitor's journey, step after step, in one tab.
let page;

test("empty page lists every article, newest first", async () => {
  page = await newPage();
  await page.goto(base + "/");
  await loaded(page);
  const total = await apiTotal("");
  assert.equal(totalOf(await countText(page)), total);
  assert.match(await countText(page), /articles trouvés/);
  const dates = await page.locator(".hit time").evaluateAll((els) => els.map((e) => e.getAttribute("datetime")));
  assert.equal(dates.length, 10);
  assert.deepEqual([...dates].sort().reverse(), dates);
  assert.equal(await page.locator("html").getAttribute("lang"), "fr");
});

test("typing shows completions; the listbox works with the keyboard", async () => {
  const box = page.getByRole("combobox", { name: "Rechercher dans les articles" });
  await box.click();
  await box.pressSequentially("hop", { delay: 60 });
  const listbox = page.getByRole("listbox");
  await listbox.waitFor({ state: "visible" });
  const options = await page.getByRole("option").allTextContents();
  assert.ok(options.length > 0, "no completion");
  assert.ok(options.some((o) => o.startsWith("hôpital")), "completions: " + options.join(", "));
  assert.equal(await box.getAttribute("aria-expanded"), "true");
  await box.press("ArrowDown");
  const first = page.getByRole("option").first();
  assert.equal(await first.getAttribute("aria-selected"), "true");
  assert.equal(await box.getAttribute("aria-activedescendant"), await first.getAttribute("id"));
  await shot(page, "desktop-completions");
  await box.press("Escape");
  await listbox.waitFor({ state: "hidden" });
  assert.equal(await box.getAttribute("aria-expanded"), "false");
  assert.equal(await box.inputValue(), "hop");
});

test("an unaccented query finds highlighted results and the total", async () => {
  const box = page.getByRole("combobox", { name: "Rechercher dans les articles" });
  await box.fill("hopital");
  await box.press("Enter");
  await page.waitForURL((url) => url.searchParams.get("q") === "hopital");
  await loaded(page);
  const total = await apiTotal("q=hopital");
  assert.ok(total > 1);
  assert.equal(totalOf(await countText(page)), total);
  const marks = await page.locator(".hit .snippet mark").allTextContents();
  assert.ok(marks.length > 0, "no <mark> in the snippets");
  assert.ok(marks.some((m) => /^h[ôo]pit/i.test(m)), "marks: " + marks.join(", "));
  assert.match(await page.locator("#results-title").textContent(), /hopital/);
  await page.getByRole("link", { name: "Page 2" }).waitFor();
  await shot(page, "desktop-results");
});

let beforeCategory;

test("picking categories changes results and counts (several at once)", async () => {
  beforeCategory = page.url();
  const totalBefore = totalOf(await countText(page));
  const citoyen = page.getByRole("checkbox", { name: /^Citoyen/ });
  const label = await page.locator("label", { has: page.locator(".cat-name", { hasText: /^Citoyen$/ }) })
    .locator(".cat-count").textContent();
  const citoyenCount = totalOf(label);
  await citoyen.check();
  await page.waitForURL((url) => url.searchParams.getAll("category").includes("Citoyen"));
  await loaded(page);
  const afterOne = totalOf(await countText(page));
  assert.equal(afterOne, citoyenCount, "the facet count announced the result count");
  assert.ok(afterOne < totalBefore);
  assert.equal(afterOne, await apiTotal("q=hopital&category=Citoyen"));
  // every hit shown has the label
  const labels = await page.locator(".hit").evaluateAll((hits) =>
    hits.map((hit) => [...hit.querySelectorAll(".label")].map((l) => l.textContent)));
  assert.ok(labels.every((l) => l.includes("Citoyen")), JSON.stringify(labels));
  assert.ok(await citoyen.isChecked());
  // focus stays on the checkbox after the redraw
  assert.equal(await page.evaluate(() => document.activeElement.value), "Citoyen");

  await page.getByRole("checkbox", { name: /^Projets/ }).check();
  await page.waitForURL((url) => url.searchParams.getAll("category").length === 2);
  await loaded(page);
  const afterTwo = totalOf(await countText(page));
  assert.equal(afterTwo, await apiTotal("q=hopital&category=Citoyen&category=Projets"));
  assert.ok(afterTwo > afterOne);
  // the year bars follow the category filter
  const yearSum = await page.locator(".chart .bar[role=button]").evaluateAll((bars) =>
    bars.reduce((sum, b) => sum + Number(b.getAttribute("aria-label").split(":")[1].replace(/\D/g, "")), 0));
  assert.equal(yearSum, afterTwo);
  await shot(page, "desktop-categories");
});

test("a timeline bar sets from/to, the months bar narrows them, and there is a way back", async () => {
  const totalAll = totalOf(await countText(page));
  const bar = page.locator(".chart .bar[role=button]").first();
  const year = (await bar.getAttribute("data-key")).slice(4);
  await bar.click();
  await page.waitForURL((url) => url.searchParams.get("from") === `${year}-01-01`);
  await loaded(page);
  assert.equal(params(page).get("to"), `${year}-12-31`);
  assert.equal(await page.locator("#from").inputValue(), `${year}-01-01`);
  assert.equal(await page.locator("#to").inputValue(), `${year}-12-31`);
  const inYear = totalOf(await countText(page));
  assert.equal(inYear, await apiTotal(`q=hopital&category=Citoyen&category=Projets&from=${year}-01-01&to=${year}-12-31`));
  assert.ok(inYear <= totalAll);
  // now the chart shows the 12 months of that year
  assert.equal(await page.locator(".chart .bar").count(), 12);
  assert.ok(await page.getByRole("button", { name: "Retirer le filtre Année " + year }).isVisible());
  const month = page.locator(".chart .bar[role=button]").first();
  const monthKey = (await month.getAttribute("data-key")).slice(4);
  await month.click();
  await page.waitForURL((url) => url.searchParams.get("from") === `${monthKey}-01`);
  await loaded(page);
  assert.ok(params(page).get("to").startsWith(monthKey));
  await shot(page, "desktop-timeline-month");
  await page.getByRole("button", { name: "← Toutes les années" }).click();
  await page.waitForURL((url) => !url.searchParams.has("from"));
  await loaded(page);
  assert.equal(totalOf(await countText(page)), totalAll);
  assert.ok(await page.locator(".chart .bar").count() > 1);
});

test("the date range inputs filter; clear filters removes every filter", async () => {
  await page.locator("#from").fill("2022-01-01");
  await page.locator("#to").fill("2023-06-30");
  await page.getByRole("button", { name: "Appliquer les dates" }).click();
  await page.waitForURL((url) => url.searchParams.get("to") === "2023-06-30");
  await loaded(page);
  assert.equal(totalOf(await countText(page)),
    await apiTotal("q=hopital&category=Citoyen&category=Projets&from=2022-01-01&to=2023-06-30"));
  await page.getByRole("button", { name: "Effacer les filtres" }).click();
  await page.waitForURL((url) => !url.searchParams.has("category") && !url.searchParams.has("from"));
  await loaded(page);
  assert.equal(params(page).get("q"), "hopital");
  assert.equal(totalOf(await countText(page)), await apiTotal("q=hopital"));
});

test("sort and pagination live in the URL", async () => {
  await page.getByLabel("Trier par").selectOption("oldest");
  await page.waitForURL((url) => url.searchParams.get("sort") === "oldest");
  await loaded(page);
  const dates = await page.locator(".hit time").evaluateAll((els) => els.map((e) => e.getAttribute("datetime")));
  assert.deepEqual([...dates].sort(), dates);
  await page.getByRole("link", { name: "Page suivante" }).click();
  await page.waitForURL((url) => url.searchParams.get("page") === "2");
  await loaded(page);
  assert.equal(await page.locator('[aria-current="page"]').textContent(), "2");
  assert.equal(await page.evaluate(() => document.activeElement.id), "results-title");
  await page.goBack();
  await page.waitForURL((url) => !url.searchParams.has("page"));
  await loaded(page);
  await page.getByLabel("Trier par").selectOption("relevance");
  await page.waitForURL((url) => !url.searchParams.has("sort"));
  await loaded(page);
});

test("did-you-mean suggests the corrected query and is clickable", async () => {
  await page.goto(base + "/?q=" + encodeURIComponent("santé publiqe"));
  await loaded(page);
  const link = page.locator("#did-you-mean a");
  await link.waitFor();
  assert.match(await page.locator("#did-you-mean").textContent(), /^Vouliez-vous dire/);
  assert.equal(await link.textContent(), "santé publique");
  await link.click();
  await page.waitForURL((url) => url.searchParams.get("q") === "santé publique");
  await loaded(page);
  assert.equal(await page.getByRole("combobox", { name: "Rechercher dans les articles" }).inputValue(), "santé publique");
});

test("an article opens with its full text and related articles; back returns to the results", async () => {
  await page.goto(base + "/?q=hopital&category=Citoyen");
  await loaded(page);
  const resultsUrl = page.url();
  const resultsTotal = await countText(page);
  const firstHit = page.locator(".hit-title a").first();
  const title = await firstHit.textContent();
  await firstHit.click();
  await page.waitForURL((url) => url.searchParams.has("article"));
  const id = params(page).get("article");
  await page.locator("#article-title").waitFor();
  await page.locator("#related-list li").first().waitFor();
  assert.equal(await page.locator("#article-title").textContent(), title);
  assert.equal(await page.evaluate(() => document.activeElement.id), "article-title");
  assert.ok(!(await page.locator("#search-view").isVisible()), "the results stay visible under the article");
  const record = await (await fetch(base + "/api/articles/" + encodeURIComponent(id))).json();
  const paragraphs = record.body.split(/\n\s*\n/).filter((p) => p.trim());
  assert.equal(await page.locator("#article .body p").count(), paragraphs.length);
  const sourceLink = page.getByRole("link", { name: "Lire l’article sur le site d’origine" });
  assert.equal(await sourceLink.getAttribute("href"), record.url);
  const related = await (await fetch(base + `/api/articles/${encodeURIComponent(id)}/related?n=5`)).json();
  const shown = await page.locator("#related-list .related-title").allTextContents();
  assert.deepEqual(shown, related.hits.map((hit) => hit.title));
  assert.ok(!shown.includes(title) || related.hits.some((h) => h.title === title));
  await shot(page, "desktop-article");

  // a related article, then back twice
  await page.locator("#related-list a").first().click();
  await page.waitForURL((url) => url.searchParams.get("article") !== id);
  await page.goBack();
  await page.waitForURL((url) => url.searchParams.get("article") === id);
  await page.locator("#article-title", { hasText: title }).waitFor();
  await page.goBack();
  await page.waitForURL((url) => !url.searchParams.has("article"));
  await loaded(page);
  assert.equal(page.url(), resultsUrl);
  assert.ok(!(await page.locator("#article-view").isVisible()), "the article stays visible over the results");
  assert.ok(await page.locator("#search-view").isVisible());
  assert.equal(await countText(page), resultsTotal);
  assert.ok(await page.getByRole("checkbox", { name: /^Citoyen/ }).isChecked());
  assert.equal(await page.getByRole("combobox", { name: "Rechercher dans les articles" }).inputValue(), "hopital");

  // the in-page "back to results" link does the same
  await page.locator(".hit-title a").first().click();
  await page.locator("#article-title").waitFor();
  await page.getByRole("link", { name: "← Retour aux résultats" }).click();
  await page.waitForURL((url) => !url.searchParams.has("article"));
  await loaded(page);
  assert.equal(page.url(), resultsUrl);
});

test("an article quoting <script> and <img onerror> shows them as text", async () => {
  const xss = await newPage();
  await xss.goto(base + "/?article=" + XSS_ID);
  await xss.locator("#article-title").waitFor();
  await xss.locator("#related-list li").first().waitFor();
  const body = await xss.locator("#article .body").innerText();
  assert.ok(body.includes("<script>alert('xss')</script>"), "script text not shown literally");
  assert.ok(body.includes("<img src=x onerror=alert(1)>"), "img text not shown literally");
  assert.ok(body.includes("a & b < c"), "a & b < c not shown literally");
  assert.match(await xss.locator("#article-title").textContent(), /un <b> saisi/);
  const dom = await xss.evaluate(() => ({
    scripts: [...document.querySelectorAll("script")].map((s) => s.getAttribute("src")),
    images: document.querySelectorAll("img").length,
    bold: document.querySelectorAll("#article b, #results b").length,
    handlers: [...document.querySelectorAll("*")].filter((el) =>
      [...el.attributes].some((a) => a.name.startsWith("on"))).length,
  }));
  assert.deepEqual(dom, { scripts: ["/app.js"], images: 0, bold: 0, handlers: 0 });
  await shot(xss, "desktop-article-xss");

  // and in the snippets of a search
  await xss.goto(base + "/?q=onerror");
  await loaded(xss);
  const snippet = await xss.locator(".hit .snippet").first().innerText();
  assert.ok(snippet.includes("<img src=x onerror=alert(1)>"), snippet);
  assert.equal(await xss.locator(".hit .snippet mark").first().textContent(), "onerror");
  assert.equal(await xss.evaluate(() => document.querySelectorAll("img").length), 0);
  await xss.goto(base + "/?q=" + encodeURIComponent("<script>alert('q')</script>"));
  await loaded(xss);
  assert.match(await xss.locator("#results-title").textContent(), /<script>alert/);
  await xss.waitForTimeout(300);  // a dialog would have fired by now
  assert.deepEqual(xss.dialogs, []);
  await xss.close();
});

test("a phone-width viewport has no horizontal scroll", async () => {
  const phone = await newPage({ width: 390, height: 844 });
  await phone.goto(base + "/?q=donnees%20de%20sante");
  await loaded(phone);
  await noHorizontalScroll(phone);
  await shot(phone, "phone-results");
  const toggle = phone.getByRole("button", { name: /Afficher les filtres/ });
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  assert.ok(!(await phone.locator("#category-list").isVisible()));
  await toggle.click();
  assert.ok(await phone.locator("#category-list").isVisible());
  await noHorizontalScroll(phone);
  await shot(phone, "phone-filters");
  await phone.locator(".hit-title a").first().click();
  await phone.locator("#related-list li").first().waitFor();
  await noHorizontalScroll(phone);
  await shot(phone, "phone-article");
  await phone.goto(base + "/?article=" + XSS_ID);
  await phone.locator("#related-list li").first().waitFor();
  await noHorizontalScroll(phone);
  await phone.close();
});

test("keyboard: the timeline is one tab stop moved with the arrow keys", async () => {
  await page.goto(base + "/?q=donnees");
  await loaded(page);
  const bars = page.locator(".chart .bar[role=button]");
  assert.equal(await page.locator('.chart .bar[tabindex="0"]').count(), 1);
  await bars.first().focus();
  await page.keyboard.press("ArrowRight");
  const focused = await page.evaluate(() => document.activeElement.dataset.key);
  assert.equal(focused, await bars.nth(1).getAttribute("data-key"));
  await page.keyboard.press("Enter");
  const year = focused.slice(4);
  await page.waitForURL((url) => url.searchParams.get("from") === `${year}-01-01`);
  await loaded(page);
  await shot(page, "desktop-keyboard-year");
});

test("no page error, no failed request, nothing loaded from elsewhere", async () => {
  if (page) await page.close();
  assert.deepEqual(problems, []);
});
