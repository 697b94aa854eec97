// Reads a Parquet file, or a folder of them (a Hive-partitioned dataset), with one independent reader and
// gives one JSON object: row count, per-column non-null count / sum / min / max (integers and timestamps
// as exact decimal strings of their raw value, timestamps of any unit in ns; doubles as the reader prints them), the footer key/value metadata and
// created_by and the row-group count (single files only). Used by BinderTrace.Export.Tests.
// DuckDB, the third reader, runs in-process in the tests (DuckDB.NET).
//   node summarize.mjs hyparquet|parquet-wasm PATH     one summary on stdout
//   node summarize.mjs --serve                          many: one JSON request {"reader": R, "path": P} per stdin
//                                                       line, one {"ok": …} line back per request.
// The tests keep one --serve process per reader for the whole run: starting node and loading parquet-wasm's
// module once instead of per query was most of the interop tests' time.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

function parquetFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? parquetFiles(join(dir, e.name)) : e.name.endsWith('.parquet') ? [join(dir, e.name)] : []).sort();
}
const bytesOf = f => { const b = readFileSync(f); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength); };

async function hyparquet(reader, target, isDir, files) {
  const { parquetReadObjects, parquetMetadata } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const columns = {};
  let rows = 0;
  let result = {};
  for (const f of files) {
    const file = bytesOf(f);
    const meta = parquetMetadata(file);
    if (!isDir) {
      result.metadata = Object.fromEntries((meta.key_value_metadata ?? []).map(kv => [kv.key, kv.value]));
      result.createdBy = meta.created_by;
      result.rowGroups = meta.row_groups.length;
    }
    const doubles = new Set(meta.schema.filter(e => e.type === 'DOUBLE' || e.type === 'FLOAT').map(e => e.name));
    const objects = await parquetReadObjects({ file, compressors, parsers: { timestampFromNanoseconds: n => n, timestampFromMicroseconds: n => BigInt(n) * 1000n } });
    rows += objects.length;
    for (const o of objects) {
      for (const [name, value] of Object.entries(o)) {
        const c = (columns[name] ??= { count: 0, sum: null, min: null, max: null });
        if (value === null || value === undefined) continue;
        c.count++;
        if (typeof value === 'string') {
          if (c.min === null || value < c.min) c.min = value;
          if (c.max === null || value > c.max) c.max = value;
        } else if (doubles.has(name)) {
          c.sum = String(Number(c.sum ?? 0) + value);
          if (c.min === null || value < Number(c.min)) c.min = String(value);
          if (c.max === null || value > Number(c.max)) c.max = String(value);
        } else if (typeof value === 'boolean') {
          c.sum = (BigInt(c.sum ?? 0) + (value ? 1n : 0n)).toString();
        } else {
          const n = BigInt(value);
          c.sum = (BigInt(c.sum ?? 0) + n).toString();
          if (c.min === null || n < BigInt(c.min)) c.min = n.toString();
          if (c.max === null || n > BigInt(c.max)) c.max = n.toString();
        }
      }
    }
  }
  return { reader, rows, columns, ...result };
}

async function parquetWasm(reader, target, isDir, files) {
  const { readParquet, ParquetFile } = await import('parquet-wasm');
  let rows = 0;
  const result = {};
  for (const f of files) {
    const bytes = new Uint8Array(readFileSync(f));
    // Decoding every page into Arrow is the strictness check: it throws on any malformed page or footer.
    const table = readParquet(bytes);
    rows += table.recordBatches().reduce((n, b) => n + b.numRows, 0);
    if (!isDir) {
      const meta = (await ParquetFile.fromFile(new Blob([bytes]))).metadata().fileMetadata();
      result.metadata = Object.fromEntries(meta.keyValueMetadata());
      result.createdBy = meta.createdBy();
      result.rowGroups = (await ParquetFile.fromFile(new Blob([bytes]))).metadata().numRowGroups();
    }
  }
  return { reader, rows, columns: {}, ...result };
}

const readers = { hyparquet, 'parquet-wasm': parquetWasm };

async function summarize(reader, target) {
  if (!readers[reader]) {
    throw new Error(`unknown reader '${reader}'; expected one of ${Object.keys(readers).join(', ')}`);
  }
  const isDir = statSync(target).isDirectory();
  return readers[reader](reader, target, isDir, isDir ? parquetFiles(target) : [target]);
}

async function answer(line) {
  try {
    const request = JSON.parse(line);
    return { ok: true, result: await summarize(request.reader, request.path) };
  } catch (error) {
    return { ok: false, error: String(error?.stack ?? error) };
  }
}

if (process.argv[2] === '--serve') {
  // Requests are answered one at a time, in order: the caller waits for each answer before the next request.
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim() !== '') {
      process.stdout.write(JSON.stringify(await answer(line)) + '\n');
    }
  }
} else {
  const [reader, target] = process.argv.slice(2);
  try {
    console.log(JSON.stringify(await summarize(reader, target)));
  } catch (error) {
    console.error(String(error?.stack ?? error));
    process.exit(2);
  }
}
