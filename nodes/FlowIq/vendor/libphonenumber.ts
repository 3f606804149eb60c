// The one door to libphonenumber-js. n8n wants community packages without runtime dependencies,
// so the build (gulpfile.js) replaces this file's compiled output with a bundle of the library.
// The "min" metadata set: the node only parses numbers and checks their possible lengths, which
// it covers; "max" adds per-type patterns the node never asks about, at twice the size.
export { parsePhoneNumberFromString } from 'libphonenumber-js/min';
export type { CountryCode } from 'libphonenumber-js/min';
