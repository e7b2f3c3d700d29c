// Failure notice of the nightly-sales example. A real pipeline would send mail or a chat message;
// this one writes to stderr, which the runner keeps in the attempt folder.
console.error(`nightly-sales failed for ${process.env.SALES_DATE}: ${process.env.PIPELINE_STATUS}`);
