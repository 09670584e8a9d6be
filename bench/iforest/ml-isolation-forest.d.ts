// The npm package ships no types; the bench uses only this much of it.
declare module 'ml-isolation-forest' {
  export class IsolationForest {
    constructor(options?: { nEstimators?: number });
    train(trainingSet: number[][]): void;
    predict(data: number[][]): number[];
  }
}
