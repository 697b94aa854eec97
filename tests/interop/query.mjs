// Runs one SQL statement with DuckDB and prints the result rows as a JSON array (values as DuckDB's JSON
// rendering: big integers as strings). Used by BinderTrace.Export.Tests to run the README's example query.
//   node query.mjs FILE.sql
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const sql = readFileSync(process.argv[2], 'utf8');
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
console.log(JSON.stringify((await con.runAndReadAll(sql)).getRowObjectsJson()));
