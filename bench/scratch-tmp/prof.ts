// self time by function from a .cpuprofile
const f = JSON.parse(Deno.readTextFileSync(Deno.args[0]));
const self = new Map<string, number>();
const dt: number[] = f.timeDeltas; const byId = new Map<number, any>(f.nodes.map((n: any) => [n.id, n]));
const counts = new Map<number, number>();
for (let i = 0; i < f.samples.length; i++) counts.set(f.samples[i], (counts.get(f.samples[i]) ?? 0) + (dt[i] ?? 0));
let total = 0;
for (const [id, t] of counts) { const n = byId.get(id); const k = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + t); total += t; }
console.log("total ms", (total / 1000).toFixed(0));
for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(Deno.args[1] ?? 15))) console.log((t / 1000).toFixed(0).padStart(7), k);
