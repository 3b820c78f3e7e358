// Message tables and lookup. One table per language (en.js, zh.js); each table
// already contains the renderer's keys (render-en.js / render-zh.js), so every
// user-visible string of the page comes from exactly one place.
import en from './en.js';
import zh from './zh.js';

const TABLES = { en, zh };
export const LANGS = ['en', 'zh'];

let current = 'en';
const listeners = new Set();

/** 'zh' when the browser prefers any Chinese variant, else 'en'. */
export function detectLang() {
  const prefs = (typeof navigator !== 'undefined' && (navigator.languages || [navigator.language])) || [];
  for (const p of prefs) {
    if (typeof p !== 'string') continue;
    const low = p.toLowerCase();
    if (low.startsWith('zh')) return 'zh';
    if (low.startsWith('en')) return 'en';
  }
  return 'en';
}

export function getLang() { return current; }

/** Switch language; returns false (and changes nothing) for an unknown code. */
export function setLang(lang) {
  if (!TABLES[lang]) return false;
  if (lang === current) return true;
  current = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : 'en';
  for (const cb of listeners) {
    try { cb(lang); } catch (e) { console.error(e); }
  }
  return true;
}

/** Call `cb(lang)` after every language change; returns an unsubscribe function. */
export function onLangChange(cb) {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

/**
 * Look up `key` in the current table (falling back to English, then to the key
 * itself so a missing string is visible rather than blank) and fill `{name}`
 * placeholders from `params`.
 */
export function t(key, params) {
  let s = TABLES[current][key];
  if (s === undefined) s = TABLES.en[key];
  if (s === undefined) return key;
  if (typeof s === 'function') return s(params || {});
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, name) => (params[name] === undefined || params[name] === null ? m : String(params[name])));
}

/** True when the key exists in some table (used to pick optional texts). */
export function has(key) {
  return TABLES[current][key] !== undefined || TABLES.en[key] !== undefined;
}
