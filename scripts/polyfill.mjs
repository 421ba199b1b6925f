// Node 20 lacks Promise.withResolvers, which the libp2p 3 stack calls; without it the
// real failure hides behind "Pubsub is not started". Load this before anything libp2p.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
