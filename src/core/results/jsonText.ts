/**
 * JSON as the server wrote it, handled as text: re-indented for reading without being parsed, so big
 * numbers, 1.10, duplicate keys and key order stay exactly as they are (JSON.parse would change all four).
 */

/** Whether the text is one well-formed JSON value (checked by the platform's parser, its result unused). */
export function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The same JSON, two-space indented; every literal (number, string) kept character for character. */
export function indentJson(text: string, indent = '  '): string {
  let out = '';
  let depth = 0;
  const newline = (): string => `\n${indent.repeat(depth)}`;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      let k = i + 1;
      while (k < text.length && /\s/.test(text[k])) k++;
      if (text[k] === close) {
        out += c + close;
        i = k;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') {
      out += `,${newline()}`;
    } else if (c === ':') {
      out += ': ';
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

const jsonNumber = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** A number's text, if JSON can carry it as a number literal exactly as written (not NaN, not Infinity). */
export function asJsonNumber(text: string): string | undefined {
  return jsonNumber.test(text) ? text : undefined;
}
