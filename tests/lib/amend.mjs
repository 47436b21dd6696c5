// Filing amendments through the page, as a member does: select the
// words in the editor, open the form, write the wording, file.

/** Select `words` of the text in the editor. */
export async function selectWords(page, words) {
  await page.locator('#editor').evaluate((el, words) => {
    const start = el.value.indexOf(words);
    if (start < 0) throw new Error(`"${words}" is not in the text`);
    el.focus();
    el.setSelectionRange(start, start + words.length);
    el.dispatchEvent(new Event('select'));
  }, words);
}

/** File an amendment replacing the selected `words` with `wording`. */
export async function fileAmendment(page, words, wording, rationale = '') {
  await selectWords(page, words);
  await page.locator('#propose-amendment').click();
  await page.locator('#amendment-form').waitFor();
  await page.locator('#amendment-wording').fill(wording);
  await page.locator('#amendment-rationale').fill(rationale);
  await page.locator('#amendment-submit').click();
  await page.locator('#amendment-form').waitFor({ state: 'detached' });
}
