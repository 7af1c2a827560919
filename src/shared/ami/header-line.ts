/** One header line split on its first colon: AMI repeats keys, so a message keeps an ordered list of these. */
export type AmiHeader = [key: string, value: string];

/** The end of the line `text[start, nl)` (`nl` at its LF or the text's end) without its CR: lines end in LF or CRLF. */
export function lineEnd(text: string, start: number, nl: number): number {
  return nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
}

/** Whether the line `text[start, nl)` is blank (`nl` at its LF): the parser's per-line test, cheaper than lineEnd's for a line that is not. */
export function isBlankLine(text: string, start: number, nl: number): boolean {
  return nl === start || (nl === start + 1 && text.charCodeAt(start) === 13);
}

/** Where the value of a line ending at `end` starts, its key's colon at `colon`: one space after the colon separates, the rest is value. */
export function valueStart(text: string, colon: number, end: number): number {
  return colon + 1 < end && text.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
}

/** `Key: value` split on the first colon (valueStart), or `[line, '']` without one. */
export function splitRange(text: string, start: number, end: number): AmiHeader {
  const colon = text.indexOf(':', start);
  if (colon === -1 || colon >= end) return [text.slice(start, end), ''];
  return [text.slice(start, colon), text.slice(valueStart(text, colon, end), end)];
}
