import { escapeLike } from './identifiers';

/**
 * Table-name search blind to case and accents, the way people expect a filter to behave: `É` finds
 * `é`, `e` finds `é` and `É`. The pattern is folded here (decomposed, marks dropped, lower case);
 * each connector folds the names on the server the same way, so a search never lists everything.
 */
export function foldForSearch(text: string): string {
  let mapped = '';
  for (const c of text) {
    const at = accentedLetters.indexOf(c);
    mapped += at >= 0 ? plainLetters[at] : c;
  }
  return mapped
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** A LIKE pattern for the folded search term, with LIKE's own characters escaped (backslash escape). */
export function searchPattern(search: string | undefined): string | null {
  return search ? `%${escapeLike(foldForSearch(search))}%` : null;
}

/** Accented letters and what they fold to, one to one (for SQL translate(), where no unaccent is installed). */
export const accentedLetters =
  'ÀÁÂÃÄÅàáâãäåĀāĂăĄąÇçĆćĈĉĊċČčĎďĐđÈÉÊËèéêëĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħÌÍÎÏìíîïĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľĿŀŁłÑñŃńŅņŇňÒÓÔÕÖØòóôõöøŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲųŴŵÝýÿŶŷŸŹźŻżŽž';
export const plainLetters =
  'aaaaaaaaaaaaaaaaaaccccccccccddddeeeeeeeeeeeeeeeeeegggggggghhhhiiiiiiiiiiiiiiiiiijjkkllllllllllnnnnnnnnoooooooooooooooooorrrrrrssssssssttttttuuuuuuuuuuuuuuuuuuuuwwyyyyyyzzzzzz';
