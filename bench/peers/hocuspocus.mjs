// Starts Hocuspocus as a deployment would: the SQLite extension on, default
// debounce (2 s, at most 10 s) before a document is stored. Run by
// scripts/bench.sh from the directory the peers were installed into, with
// PORT and DATA set.
import { Server } from '@hocuspocus/server'
import { SQLite } from '@hocuspocus/extension-sqlite'

const port = Number(process.env.PORT)
const database = `${process.env.DATA}/hocuspocus.sqlite`

const server = new Server({
  address: '127.0.0.1',
  port,
  quiet: true,
  extensions: [new SQLite({ database })]
})
await server.listen()
console.log(`hocuspocus listening on 127.0.0.1:${port}, database ${database}`)
