// The part of autocannon's API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  interface Histogram {
    average: number
    p50: number
    p99: number
  }
  interface Result {
    requests: Histogram
    latency: Histogram
    errors: number
    timeouts: number
    non2xx: number
  }
  interface Options {
    url: string
    connections?: number
    /** seconds before a request counts as timed out */
    timeout?: number
    duration?: number
    /** stop after this many requests (instead of a duration) */
    amount?: number
    method?: string
    body?: string
    headers?: Record<string, string>
  }
  function autocannon(opts: Options): Promise<Result>
  export default autocannon
}
