//! The booklet and the adopted text in the page (issue 13): what the
//! Export menu offers (liasse d'amendements, texte adopté, texte amendé;
//! print, HTML, Markdown, ODT), generated in the browser from
//! `model::meeting::booklet`, and the print view that paginates cleanly.
