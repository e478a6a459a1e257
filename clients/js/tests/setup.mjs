// Loaded before every test file (node --import ./tests/setup.mjs). matrix-js-sdk 43 declares
// Node >= 22; the only newer API it needs on Node 20 is Promise.withResolvers (ES2024).
if (typeof Promise.withResolvers !== "function") {
    Object.defineProperty(Promise, "withResolvers", {
        configurable: true,
        writable: true,
        value: function withResolvers() {
            let resolve;
            let reject;
            const promise = new this((res, rej) => {
                resolve = res;
                reject = rej;
            });
            return { promise, resolve, reject };
        },
    });
}
