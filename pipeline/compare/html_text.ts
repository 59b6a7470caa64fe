/**
 * The one way text from the input (kernel names, ids, file names, machine
 * strings) reaches the HTML report: element text, attribute values, and
 * JSON embedded in a `<script>` element.
 *
 * Inside `<script>` the HTML parser ends the element at the first `</script`
 * whatever JSON quoting surrounds it, and `<!--` changes how it looks for
 * that end; so embedded JSON carries no `<`, `>` or `&` at all (JSON's
 * `\u003c` forms mean the same to the script). U+2028 and U+2029 are line
 * ends to older JavaScript parsers, so they are escaped too.
 *
 * @example
 * htmlText("a < b & c");       // "a &lt; b &amp; c"
 * htmlAttr(`say "hi"`);        // "say &quot;hi&quot;"
 * scriptJson({ n: "</script>" }); // '{"n":"\\u003c/script\\u003e"}'
 */

const TEXT: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** `s` as the text of an element (not `<script>` or `<style>`). */
export function htmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => TEXT[c]);
}

/** `s` as a quoted attribute value (either quote). */
export function htmlAttr(s: string): string {
  return htmlText(s);
}

/** `value` as JSON that can stand inside a `<script>` element without ending it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
