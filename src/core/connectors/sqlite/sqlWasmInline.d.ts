// sql.js's build with the WebAssembly inlined: same API as the main entry, nothing to locate at run time.
declare module 'sql.js/dist/sql-wasm-inline.js' {
  import initSqlJs from 'sql.js';
  export default initSqlJs;
}
