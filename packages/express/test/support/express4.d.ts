// `express4` is Express 4 installed under an alias (npm:express@4) so both majors are
// tested side by side; it has no typings of its own, and the v5 typings fit what we use.
declare module 'express4' {
  import express from 'express';
  export default express;
}
