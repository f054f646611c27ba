export { baseRequest, type Fixtures, type Role } from './base-request';
export { listOperations, resolveSchema, type Operation } from './operations';
export { planCases } from './plan';
export { deriveSeed, seededRandom } from './prng';
export { formatReport, type HostileFailure } from './report';
export { sendRaw } from './send';
export { verdict } from './verdict';
export { render } from './render';
