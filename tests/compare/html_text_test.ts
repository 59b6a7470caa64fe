import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../../pipeline/base/paths.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { htmlAttr, htmlText, scriptJson } from "../../pipeline/compare/html_text.ts";
import { readCompareResult } from "../../pipeline/compare/results.ts";
import { reportHtml } from "../../pipeline/compare/report_html.ts";

const PIECES = [
  "<",
  ">",
  "&",
  '"',
  "'",
  "</script>",
  "<!--",
  "-->",
  "<script>",
  "\u2028",
  "\u2029",
  "a",
  " ",
  "é",
  "\n",
];

function hostile(rng: Rng): string {
  let s = "";
  for (let i = rng.int(10); i > 0; i--) s += PIECES[rng.int(PIECES.length)];
  return s;
}

Deno.test("HTML text: element text and attributes hold no markup; script JSON cannot end its script", () => {
  const rng = new Rng(7);
  for (let i = 0; i < 3000; i++) {
    const s = hostile(rng);
    assert.doesNotMatch(htmlText(s), /[<>"']|&(?!amp;|lt;|gt;|quot;|#39;)/);
    assert.doesNotMatch(htmlAttr(s), /[<>"']/);
    const j = scriptJson({ name: s, list: [s] });
    assert.doesNotMatch(j, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(j), { name: s, list: [s] }, "the same value back");
  }
  assert.equal(htmlText(`a<b & "c"`), "a&lt;b &amp; &quot;c&quot;");
  assert.equal(scriptJson("</script>"), '"\\u003c/script\\u003e"');
});

Deno.test("HTML report: hostile kernel names, ids and sources add no element or script", async () => {
  const canned = readCompareResult(join(ROOT, "tests", "compare", "data", "compare_small.json"));
  const evil = `</script><script>alert(1)</script><img src=x onerror="alert(2)">'"&`;
  const result = {
    ...canned,
    machine: { ...canned.machine, cpu: evil },
    kernels: canned.kernels.map((k, i) => ({ ...k, id: `${evil}${i}`, name: `${evil}${i}` })),
  };
  const html = await reportHtml([result], { sources: [evil] });
  assert.equal(html.match(/<script/g)?.length, 1, "only the report's own script");
  assert.doesNotMatch(html, /<img|<script>alert|onerror="/);
});
