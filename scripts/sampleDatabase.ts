/**
 * Generates the sample SQLite database shipped with the extension (media/sample/planasonix-sample.sqlite):
 * a small shop with customers, products, orders, order lines and a view. Deterministic: the same
 * bytes every time, so a test can check the shipped file against this generator.
 * Run: node --import tsx scripts/sampleDatabase.ts
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';

export const samplePath = path.resolve(__dirname, '..', 'media', 'sample', 'planasonix-sample.sqlite');

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const firstNames = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Ken',
  'Frances',
  'Dennis',
  'Radia',
  'Linus',
  'Hedy',
  'Tim',
  'Katherine',
  'John',
];
const lastNames = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Hamilton',
  'Thompson',
  'Allen',
  'Ritchie',
  'Perlman',
  'Torvalds',
  'Lamarr',
  'Berners-Lee',
  'Johnson',
  'Backus',
];
const countries = ['GB', 'US', 'NL', 'DE', 'FR', 'IN', 'BR', 'JP', 'ZA', 'CA'];
const products: [string, string, number][] = [
  ['Notebook, dotted', 'stationery', 450],
  ['Fountain pen', 'stationery', 3200],
  ['Desk lamp', 'office', 5400],
  ['Monitor arm', 'office', 8900],
  ['Mechanical keyboard', 'electronics', 12900],
  ['USB-C hub', 'electronics', 4900],
  ['Noise-cancelling headphones', 'electronics', 24900],
  ['Ergonomic chair', 'office', 39900],
  ['Whiteboard markers (8)', 'stationery', 990],
  ['Standing desk', 'office', 54900],
  ['Webcam 4K', 'electronics', 11900],
  ['Sticky notes (12)', 'stationery', 690],
  ['Laptop stand', 'office', 3900],
  ['Cable organiser', 'office', 1290],
  ['Portable SSD 1 TB', 'electronics', 10900],
];
const statuses = ['delivered', 'delivered', 'delivered', 'shipped', 'processing', 'cancelled'];

export async function buildSampleDatabase(): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  const random = prng(20261129);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  db.exec(`
    CREATE TABLE customers (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      email TEXT UNIQUE,
      country TEXT NOT NULL DEFAULT 'US',
      signed_up DATE NOT NULL
    );
    CREATE TABLE products (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      category TEXT NOT NULL,
      price_cents INTEGER NOT NULL CHECK (price_cents > 0)
    );
    CREATE TABLE orders (
      id INTEGER PRIMARY KEY,
      customer_id INTEGER NOT NULL REFERENCES customers(id),
      ordered_at TEXT NOT NULL,
      status TEXT NOT NULL,
      note TEXT
    );
    CREATE TABLE order_items (
      order_id INTEGER NOT NULL REFERENCES orders(id),
      product_id INTEGER NOT NULL REFERENCES products(id),
      quantity INTEGER NOT NULL CHECK (quantity > 0),
      unit_price_cents INTEGER NOT NULL,
      PRIMARY KEY (order_id, product_id)
    );
    CREATE VIEW order_totals AS
      SELECT o.id AS order_id, c.name AS customer, o.ordered_at, o.status,
             SUM(i.quantity * i.unit_price_cents) AS total_cents
      FROM orders o JOIN customers c ON c.id = o.customer_id JOIN order_items i ON i.order_id = o.id
      GROUP BY o.id;
  `);
  db.exec('BEGIN');
  for (let id = 1; id <= 60; id++) {
    const first = pick(firstNames);
    const last = pick(lastNames);
    const email = random() < 0.1 ? null : `${first}.${last}${id}@example.com`.toLowerCase();
    const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 700) * 86_400_000).toISOString().slice(0, 10);
    db.run('INSERT INTO customers VALUES (?, ?, ?, ?, ?)', [id, `${first} ${last}`, email, pick(countries), day]);
  }
  products.forEach(([name, category, price], i) =>
    db.run('INSERT INTO products VALUES (?, ?, ?, ?)', [i + 1, name, category, price]),
  );
  for (let id = 1; id <= 250; id++) {
    const at = new Date(Date.UTC(2025, 0, 1) + Math.floor(random() * 330 * 86_400) * 1000)
      .toISOString()
      .replace('.000Z', 'Z');
    const note = random() < 0.15 ? pick(['gift wrap', 'leave at the door', 'urgent', '']) : null;
    db.run('INSERT INTO orders VALUES (?, ?, ?, ?, ?)', [id, 1 + Math.floor(random() * 60), at, pick(statuses), note]);
    const lines = 1 + Math.floor(random() * 4);
    const chosen = new Set<number>();
    while (chosen.size < lines) chosen.add(1 + Math.floor(random() * products.length));
    for (const productId of chosen) {
      db.run('INSERT INTO order_items VALUES (?, ?, ?, ?)', [
        id,
        productId,
        1 + Math.floor(random() * 3),
        products[productId - 1][2],
      ]);
    }
  }
  db.exec('COMMIT');
  db.exec('VACUUM');
  const bytes = db.export();
  db.close();
  return bytes;
}

if (require.main === module) {
  void buildSampleDatabase().then((bytes) => {
    writeFileSync(samplePath, bytes);
    console.log(`wrote ${samplePath} (${bytes.length} bytes)`);
  });
}
