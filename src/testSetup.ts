// Unit tests run tfjs on its pure-JS cpu backend in Node, with the kernels the worker installs.
import * as tf from '@tensorflow/tfjs'
import { installCpuKernels } from './model/kernels'

installCpuKernels() // as the worker does: the cpu backend's own UnsortedSegmentSum is O(segments · N · C)

await tf.setBackend('cpu')
await tf.ready()
