// lessons.html: the course. Reads every lesson's own header (title, summary,
// section, steps) through the same parser `raft-sim run` uses, groups the
// lessons as the catalog says, and offers each full-page and as an embed.
import { translator, detectLang, LANGS } from '../i18n/index.js';
import { COURSE, GROUPS, lessonUrl } from './catalog.js';
import { lessonPageUrl, SANDBOX_PAGE } from './paths.js';
import { parseLesson } from './player.js';

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// The page's own language (the i18n module keeps none): ?lang=, else the browser's.
const params = new URLSearchParams(location.search);
const wanted = params.get('lang');
let lang = wanted && LANGS.includes(wanted) ? wanted : detectLang();
let t = translator(lang);
const L = (text) => (text && (text[lang] || text.en)) || '';

const loaded = new Map(); // slug → parsed lesson
const errors = [];

async function loadAll() {
  await Promise.all(COURSE.filter((c) => c.file).map(async (c) => {
    try {
      const res = await fetch(lessonUrl(c.file));
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      loaded.set(c.slug, await parseLesson(await res.text()));
    } catch (e) {
      errors.push({ file: c.file, message: e.message || String(e) });
    }
  }));
}

// The element module sits one level up in both layouts (web/ and dist/).
const ELEMENT_URL = new URL('../element.js', import.meta.url).href;

function snippet(slug) {
  return `<script type="module" src="${ELEMENT_URL}"></script>\n<raft-lab lesson="${slug}"></raft-lab>`;
}

function render() {
  document.title = t('course.title');
  document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : 'en';
  for (const n of document.querySelectorAll('[data-i18n]')) n.innerHTML = escapeHtml(t(n.dataset.i18n)).replace(/`([^`]+)`/g, '<code>$1</code>');
  for (const b of document.querySelectorAll('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
  const box = document.querySelector('[data-testid="course-groups"]');
  let n = 0;
  box.innerHTML = GROUPS.map((g) => {
    const items = COURSE.filter((c) => c.group === g).map((c) => {
      n += 1;
      const lesson = loaded.get(c.slug);
      if (!lesson) {
        const name = t.has(`course.soon.${c.slug}`) ? t(`course.soon.${c.slug}`) : c.slug;
        return `<li class="rl-lesson-card rl-coming" data-slug="${c.slug}"><h3><span class="rl-num">${n}.</span>${escapeHtml(name)}</h3><p class="rl-lesson-meta">${escapeHtml(t('course.coming'))}</p></li>`;
      }
      const tasks = lesson.steps.filter((s) => s.task).length;
      const href = escapeHtml(lessonPageUrl(c.slug, lang));
      return `<li class="rl-lesson-card" data-testid="course-lesson" data-slug="${c.slug}">
        <h3><span class="rl-num">${n}.</span><a href="${href}" data-testid="course-open">${escapeHtml(L(lesson.title))}</a></h3>
        <p>${escapeHtml(L(lesson.summary))}</p>
        <p class="rl-lesson-meta">${escapeHtml(t('course.steps', { n: lesson.steps.length }))} · ${escapeHtml(tasks === 1 ? t('course.task1') : t('course.tasks', { n: tasks }))} · ${escapeHtml(lesson.section)}</p>
        <details><summary>${escapeHtml(t('course.embed'))}</summary><pre>${escapeHtml(snippet(c.slug))}</pre></details>
      </li>`;
    }).join('');
    return `<section data-group="${g}"><h2>${escapeHtml(t(`course.group.${g}`))}</h2><ol>${items}</ol></section>`;
  }).join('');
  document.querySelector('[data-testid="course-errors"]').innerHTML = errors.map((e) => `<p>${escapeHtml(t('course.error', e))}</p>`).join('');
}

document.querySelector('a[data-i18n="course.sandbox"]').href = SANDBOX_PAGE;
for (const b of document.querySelectorAll('[data-lang]')) {
  b.addEventListener('click', () => {
    lang = b.dataset.lang;
    t = translator(lang);
    render();
    const u = new URL(location.href);
    u.searchParams.set('lang', b.dataset.lang);
    history.replaceState(null, '', u);
  });
}
await loadAll();
render();
document.body.dataset.ready = 'true';
