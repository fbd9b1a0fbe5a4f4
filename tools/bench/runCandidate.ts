/** Child entry for instruction counting: `node runCandidate.ts <candidate> <host:port> <calls>`. */
import { createCandidates } from './candidates.ts';

const [name, endpoint, calls] = process.argv.slice(2);
const candidate = createCandidates(endpoint as string).find((c) => c.name === name);
if (!candidate) throw new Error(`no candidate ${name}`);
for (let i = 0; i < Number(calls); i++) await candidate.call();
