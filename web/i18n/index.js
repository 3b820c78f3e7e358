// Message tables and lookup. One table per language (en.js, zh.js); each table
// already contains the renderer's keys (render-en.js / render-zh.js), so every
// user-visible string of the page comes from exactly one place.
//
// Stateless on purpose: several <raft-lab> elements on one page may speak
// different languages, so there is no "current language" here. Each element
// holds its own translator (`translator(lang)`).
import en from './en.js';
import zh from './zh.js';

const TABLES = { en, zh };
export const LANGS = ['en', 'zh'];

/** 'zh' for any Chinese tag (zh, zh-CN, zh-Hans, zh-TW…), 'en' for English, else null. */
export function langFromTag(tag) {
  if (typeof tag !== 'string') return null;
  const low = tag.trim().toLowerCase();
  if (low === 'zh' || low.startsWith('zh-')) return 'zh';
  if (low === 'en' || low.startsWith('en-')) return 'en';
  return null;
}

/** 'zh' when the browser prefers any Chinese variant (before English), else 'en'. */
export function detectLang() {
  const prefs = (typeof navigator !== 'undefined' && (navigator.languages || [navigator.language])) || [];
  for (const p of prefs) {
    const l = langFromTag(p);
    if (l) return l;
  }
  return 'en';
}

/**
 * Look up `key` in `lang`'s table (falling back to English, then to the key
 * itself so a missing string is visible rather than blank) and fill `{name}`
 * placeholders from `params`.
 */
export function translate(lang, key, params) {
  const table = TABLES[lang] || en;
  let s = table[key];
  if (s === undefined) s = en[key];
  if (s === undefined) return key;
  if (typeof s === 'function') return s(params || {});
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, name) => (params[name] === undefined || params[name] === null ? m : String(params[name])));
}

/** True when the key exists in `lang`'s table or in English (used to pick optional texts). */
export function hasKey(lang, key) {
  return (TABLES[lang] || en)[key] !== undefined || en[key] !== undefined;
}

/**
 * A translator bound to one language: `t(key, params)`, with `t.lang` and
 * `t.has(key)`. Unknown languages give English.
 */
export function translator(lang) {
  const l = TABLES[lang] ? lang : 'en';
  const t = (key, params) => translate(l, key, params);
  t.lang = l;
  t.has = (key) => hasKey(l, key);
  return t;
}
