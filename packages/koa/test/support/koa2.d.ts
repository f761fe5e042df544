// `koa2` is the root's npm alias for koa@2 (koa 2 ships no types); its API is the one @types/koa describes.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
