// The app's words, read from its catalogue (app/src/strings.rs), so the
// tests check what a French or an English browser shows without copying
// every sentence here. Reading fails loudly if the catalogue's shape
// changes: both languages must be found, with the same non-empty fields.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT } from './relay.mjs';

const SOURCE = path.join(ROOT, 'app', 'src', 'strings.rs');

/** Undo Rust's string escapes (the ones a catalogue can plausibly use). */
function unescape(literal) {
  return literal.replace(/\\(u\{([0-9a-fA-F]+)\}|\n\s*|.)/g, (_, escape, hex) => {
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    if (escape.startsWith('\n')) return '';
    return { n: '\n', t: '\t', r: '\r', 0: '\0' }[escape] ?? escape;
  });
}

function catalogue(source, name) {
  const block = source.match(new RegExp(`pub static ${name}: Strings = Strings \\{([\\s\\S]*?)\\n\\};`));
  if (!block) throw new Error(`no \`pub static ${name}: Strings\` in ${SOURCE}`);
  const strings = {};
  for (const [, field, literal] of block[1].matchAll(/(\w+):\s*"((?:[^"\\]|\\[\s\S])*)"/g)) {
    strings[field] = unescape(literal);
  }
  return strings;
}

function load() {
  const source = readFileSync(SOURCE, 'utf8');
  const fr = catalogue(source, 'FR');
  const en = catalogue(source, 'EN');
  const struct = source.match(/pub struct Strings \{([\s\S]*?)\n\}/);
  if (!struct) throw new Error(`no \`pub struct Strings\` in ${SOURCE}`);
  const declared = [...struct[1].matchAll(/pub (\w+): &'static str/g)].map((m) => m[1]).sort().join(',');
  for (const [lang, strings] of Object.entries({ fr, en })) {
    if (Object.keys(strings).sort().join(',') !== declared) {
      throw new Error(`could not read every field of ${lang.toUpperCase()} in ${SOURCE}`);
    }
  }
  for (const [lang, strings] of Object.entries({ fr, en })) {
    for (const [field, text] of Object.entries(strings)) {
      if (!text.trim()) throw new Error(`${lang}.${field} is empty in ${SOURCE}`);
    }
  }
  return { fr, en };
}

/** `STRINGS.fr.new_text`, `STRINGS.en.link_damaged`, … */
export const STRINGS = load();

/** The product's name, the same in every language. */
export const APP_NAME = (() => {
  const name = readFileSync(SOURCE, 'utf8').match(/pub const APP_NAME: &str = "([^"]+)";/)?.[1];
  if (!name) throw new Error(`no APP_NAME in ${SOURCE}`);
  return name;
})();
