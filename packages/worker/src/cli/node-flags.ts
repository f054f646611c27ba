/**
 * The V8 flags the platform runs with: the root package.json's start scripts pass them, and the benchmarks start
 * the platform they measure with them. Young-generation semi-spaces of at most 4 MiB instead of Node's 16: with
 * the default, resident memory climbed upload after upload (peaks of 298, 316, 332 MiB for three 100,000-row
 * uploads in a row) while the V8 heap in use stayed under 85 MiB; with 8 MiB it still passed 300; with 4 MiB the
 * peaks held at 274 to 280 MiB and the upload ran as fast. The price: the order list serves about a fifth fewer
 * requests a second (docs/operations.md, "The platform's Node flags").
 */
export const PLATFORM_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
