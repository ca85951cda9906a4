// Unit tests run tfjs on its pure-JS cpu backend in Node.
import * as tf from '@tensorflow/tfjs'

await tf.setBackend('cpu')
await tf.ready()
