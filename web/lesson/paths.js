// Where the course's files and pages are, relative to this module. The one
// place that knows the layout, because there are two:
//  - the repository: this module is web/lesson/paths.js; the lessons are in
//    lessons/ and the pages (index.html, lessons.html) at the root, two levels up;
//  - dist/ (scripts/dist.mjs): everything sits beside element.js, so the
//    lessons are dist/lessons/, the course page is dist/lessons.html and a
//    lesson opens full-page in dist/embed.html?view=full. scripts/dist.mjs
//    rewrites the LAYOUT line below in its copy of this module.

// scripts/dist.mjs replaces this one line for dist/'s layout.
const LAYOUT = { root: '../../', lab: 'index.html', labParams: {} };

const root = new URL(LAYOUT.root, import.meta.url);

function labPage(params) {
  const u = new URL(LAYOUT.lab, root);
  for (const [k, v] of Object.entries({ ...LAYOUT.labParams, ...params })) u.searchParams.set(k, v);
  return u.href;
}

/** The URL of a lesson file (`04-split-vote.raft`). */
export function lessonFileUrl(file) {
  return new URL(`lessons/${file}`, root).href;
}

/** The course page (every lesson, grouped). */
export const COURSE_PAGE = new URL('lessons.html', root).href;

/** A full page that plays lesson `slug` in language `lang`. */
export function lessonPageUrl(slug, lang) {
  return labPage({ lesson: slug, lang });
}

/** The sandbox: the lab page with no lesson. */
export const SANDBOX_PAGE = labPage({});
