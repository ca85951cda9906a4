// The concept cards of training and its use, the tutorial's last sections: generative pre-training (with the
// tutorial's errata), fine-tuning, decoding and evaluation. lesson/concepts.ts puts them after the model's.
import { GLOSSARY as G } from '../i18n/glossary'
import { pct, say, type Concept } from './card'
import { ERRATA } from './errata'

export const TRAINING_CONCEPTS: readonly Concept[] = [
  {
    id: 'pretraining',
    view: 'loss-h',
    en: {
      title: `Generative pre-training (${G.pretraining.zh})`,
      intuition:
        'The only task is to predict the next token of the text, at every position; the loss is how surprised the model is by the true next token.',
      formula: 'L = −(1/N) Σᵢ log p(t_{i+1} | t₁ … t_i)   (cross-entropy; perplexity = e^L)',
      lookFor:
        'The loss starting near ln V (uniform guessing) and falling past the dashed lines: first below token frequencies (by step 100, on each of the four built-in texts), then to about the previous-token line — where Tiny’s 500 steps end (measured: the first names 2.18 against 2.20, Moby-Dick 2.50 against 2.46). Going below it takes more steps: with Steps at 1,500, Moby-Dick reaches 2.22.',
      tryThis: 'Watch a prompt while training: gibberish turns into words as the loss falls.',
      caveat:
        'A training loss far below the validation loss means the model overfits: what it learned from its text does not generalise to text it has not seen.',
      erratum: ERRATA.pretraining.en,
    },
    zh: {
      title: `${G.pretraining.zh}（generative pre-training）`,
      intuition: `唯一的任务，就是在每个位置预测文本的下一个${G.token.zh}；${G.loss.zh}衡量的是，真实的下一个${G.token.zh}让模型有多“意外”。`,
      formula: `L = −(1/N) Σᵢ log p(t_{i+1} | t₁ … t_i)（${G.crossEntropy.zh}；${G.perplexity.zh} = e^L）`,
      lookFor: `${G.loss.zh}从 ln V（${G.uniform.zh}）附近开始，依次越过两条虚线：先低于只知道${G.token.zh}频率的水平（四个内置文本都在 100 步之内），再降到只看前一个${G.token.zh}的水平附近——微型模型的 500 步就停在这里（实测：英文名字 2.18 对 2.20，《白鲸》2.50 对 2.46）。要降到它下面，得训练更多步：把步数调到 1,500，《白鲸》能降到 2.22。`,
      tryThis: `训练时观察一个提示词：随着${G.loss.zh}下降，不成词的字符串渐渐变成像样的词。`,
      caveat: `如果训练${G.loss.zh}远低于验证${G.loss.zh}，说明模型过拟合了：它从训练文本中学到的东西，推广不到没见过的文本上。`,
      erratum: ERRATA.pretraining.zh,
    },
    live: (s, lang) => {
      const e = s.evals.at(-1)
      if (!e || !s.run) return undefined
      const lnV = s.run.reference.uniform
      return say(
        lang,
        `Now (step ${e.step}): validation loss ${e.valLoss.toFixed(3)} against ${lnV.toFixed(3)} for uniform guessing; perplexity ${Math.exp(e.valLoss).toFixed(2)} of ${s.run.vocab.length} tokens.`,
        `现在（第 ${e.step} 步）：验证损失 ${e.valLoss.toFixed(3)}，${G.uniform.zh}为 ${lnV.toFixed(3)}；${G.perplexity.zh} ${Math.exp(e.valLoss).toFixed(2)}（词表共 ${s.run.vocab.length} 个${G.token.zh}）。`,
      )
    },
    forDataset: {
      induction: {
        en: {
          lookFor:
            'On repeated random tokens the loss starts near ln 64 (4.16), and the dashed lines say little (every token is about equally common). Watch the purple curve, the loss on the repeated tokens only: it falls below 0.5 once an induction head forms — by step 350–500 in five seeds (docs/induction-recipe.md) — while the random prefixes stay unpredictable.',
          tryThis:
            'Open the atlas on the repeated probe and scrub to the step where the purple curve drops: the induction head appears at the same step.',
        },
        zh: {
          lookFor: `在重复的随机${G.token.zh}上，${G.loss.zh}从 ln 64（4.16）附近开始；两条虚线在这里说明不了什么（每个${G.token.zh}出现得差不多一样多）。要看紫色曲线，也就是只算重复部分的${G.loss.zh}：${G.inductionHead.zh}一形成，它就降到 0.5 以下——五个随机种子都在第 350～500 步（见 docs/induction-recipe.md）；而开头那段随机前缀始终无法预测。`,
          tryThis: `打开注意力总览的重复探针，拖到紫色曲线下落的那一步：${G.inductionHead.zh}正是在这一步出现的。`,
        },
      },
      tang: {
        en: {
          lookFor:
            'The previous-token line (2.85) is out of reach here: it is counted on the training text, where most pairs of characters occur only once, so only memorising gets near it. Watch the two curves part instead: after Tiny’s 500 steps the training loss is already below the validation loss (5.68 against 6.01, the token-frequency line 6.27) — on a text of 28,388 characters the model starts to overfit before it generalises.',
          tryThis:
            'Raise Steps to 1,500 and watch the gap grow: the training loss falls far faster than the validation loss (measured with Tiny: 4.61 against 5.83).',
        },
        zh: {
          lookFor: `这里够不着“只看前一个${G.token.zh}”那条线（2.85）：它是在训练文本上数出来的，而大多数相邻的两个字只出现过一次，只有死记硬背才能接近它。改看两条曲线怎样分开：微型模型训练 500 步后，训练${G.loss.zh}已经低于验证${G.loss.zh}（5.68 对 6.01，“${G.token.zh}频率”线是 6.27）——在只有 28,388 个字符的文本上，模型还没学会推广，就先开始过拟合了。`,
          tryThis: `把步数调到 1,500，看差距怎样拉大：训练${G.loss.zh}比验证${G.loss.zh}降得快得多（微型模型实测：4.61 对 5.83）。`,
        },
      },
    },
  },
  {
    id: 'finetuning',
    view: 'runs-h',
    en: {
      title: `Fine-tuning (${G.fineTuning.zh})`,
      intuition:
        'Start from a trained model and keep training on a new text or task with a smaller learning rate: the model adapts instead of starting over.',
      formula: 'θ₀ = θ_pretrained;  θ ← θ − η_small · ∇L_task',
      lookFor:
        'In pair mode, the held-out scores of the model fine-tuned from the names against one trained from scratch. Measured with the Small model after 600 steps (docs/pair-tasks.md): on “Last letter of a name”, 98% exact match fine-tuned, 90% from scratch; on “Reverse a name”, 0–6% either way, where BLEU shows the letters are right.',
      tryThis:
        '1. Train a Small model on the first names. 2. In panel 1 choose “Last letter of a name (pairs)”: fine-tuning trains on the text in panel 1. 3. In Runs, press Fine-tune on the names run and train 600 steps. 4. To compare, train a new model on the same pairs from scratch. 5. Then try the hard one, “Reverse a name (pairs)”.',
      caveat:
        'Too high a learning rate, or too long, and the model forgets what it learned first; too low, and a task that needs new attention patterns comes slowly (the last two or three letters of a name: the fresh model, at ten times the rate, does better). Reversing a whole name is beyond the Tiny and Small models: the letters come out right, from the wrong places.',
    },
    zh: {
      title: `${G.fineTuning.zh}（fine-tuning）`,
      intuition:
        '从训练好的模型出发，用较小的学习率在新的文本或任务上继续训练：模型是在已有基础上调整，而不是从零学起。',
      formula: 'θ₀ = θ_预训练；θ ← θ − η_小 · ∇L_任务',
      lookFor: `在${G.pairMode.zh}下，比较从名字模型${G.fineTuning.zh}而来的模型与从头训练的模型在留出${G.pair.zh}上的得分。小型模型训练 600 步的实测结果（docs/pair-tasks.md）：“名字的最后一个字母”，${G.fineTuning.zh}后完全匹配 98%，从头训练 90%；“把名字倒过来写”，两者都只有 0%～6%，但 BLEU 说明字母大多是对的。`,
      tryThis: `① 先在英文名字上训练一个小型模型。② 在面板 1 中选择“名字的最后一个字母（成对数据）”——${G.fineTuning.zh}用的是面板 1 中的文本。③ 在“${G.run.zh}”中，对刚才的名字模型点“${G.fineTuning.zh}”，训练 600 步。④ 作为对照，在同样的${G.pair.zh}上从头训练一个新模型。⑤ 再试试难题“把名字倒过来写（成对数据）”。`,
      caveat:
        '学习率太高或训练太久，模型会忘掉先前学到的东西；学习率太低，需要新注意力模式的任务又学得慢（比如名字的最后两三个字母：以十倍学习率从头训练的模型反而更好）。把整个名字倒过来写，超出了微型和小型模型的能力：字母写对了，位置却是错的。',
    },
    live: (s, lang) => {
      if (!s.run) return undefined
      const o = s.run.origin
      return o
        ? say(
            lang,
            `Now: this run starts from “${o.name}”${o.step !== undefined ? ` (${o.step} steps)` : ''}, learning rate ${s.run.train.learningRate}.`,
            `现在：这次训练从“${o.name}”出发${o.step !== undefined ? `（已训练 ${o.step} 步）` : ''}，学习率 ${s.run.train.learningRate}。`,
          )
        : say(
            lang,
            `Now: this run starts from random weights (learning rate ${s.run.train.learningRate}); fine-tuning would start from a stored run.`,
            `现在：这次训练从随机权重开始（学习率 ${s.run.train.learningRate}）；${G.fineTuning.zh}则从一条${G.run.zh}出发。`,
          )
    },
  },
  {
    id: 'decoding',
    view: 'gen-h',
    en: {
      title: 'Decoding: greedy, beam search, temperature, top-k, top-p',
      intuition:
        'The model gives a distribution over the next token; decoding decides which one to write: the likeliest (greedy), the likeliest sequences (beam search), or a draw reshaped by temperature, top-k and top-p.',
      formula: 'p_i = softmax(z_i / T);  top-k keeps the k likeliest;  top-p keeps the smallest set with Σp ≥ p',
      lookFor:
        'The beam tree, where beam search and greedy decoding part; and the next-token bars reshaped by the sliders.',
      tryThis: 'Generate with temperature 0, then 1.5, from the same prompt; then beam search with width 3.',
      caveat: 'The likeliest text is often dull and repetitive; sampling is livelier and less reliable.',
    },
    zh: {
      title: `解码：${G.greedy.zh}、${G.beamSearch.zh}、${G.temperature.zh}、top-k、top-p`,
      intuition: `模型给出下一个${G.token.zh}的概率分布，解码决定写下哪一个：可以取最可能的${G.token.zh}（${G.greedy.zh}），可以找最可能的整条序列（${G.beamSearch.zh}），也可以先用${G.temperature.zh}、top-k、top-p 调整分布再随机抽取。`,
      formula: 'p_i = softmax(z_i / T)；top-k 保留最可能的 k 个；top-p 保留概率和 ≥ p 的最小集合',
      lookFor: `看${G.beamSearch.zh}树中${G.beamSearch.zh}与${G.greedy.zh}分道扬镳的地方，以及拖动滑块时下一个${G.token.zh}的概率条如何变化。`,
      tryThis: `用同一个提示词，先把${G.temperature.zh}设为 0 生成，再设为 1.5 生成；然后用束宽 3 做一次${G.beamSearch.zh}。`,
      caveat: '最可能的文本往往单调、重复；采样更有生气，但没那么可靠。',
    },
    live: (s, lang) => {
      if (s.sampleBeams.length)
        return say(
          lang,
          `Now: the last beam search kept ${s.sampleBeams.length} beams; the best has log-probability ${s.sampleBeams[0].logProb.toFixed(2)}.`,
          `现在：上一次${G.beamSearch.zh}保留了 ${s.sampleBeams.length} 个${G.beam.zh}，最好的一个对数概率为 ${s.sampleBeams[0].logProb.toFixed(2)}。`,
        )
      const toks = s.sampleTokens
      if (!toks.length) return undefined
      const mean = toks.reduce((a, t) => a + t.prob, 0) / toks.length
      return say(
        lang,
        `Now: the last generation's ${toks.length} tokens were chosen with ${pct(mean)} probability on average.`,
        `现在：上一次生成的 ${toks.length} 个${G.token.zh}，被选中时的平均概率为 ${pct(mean)}。`,
      )
    },
  },
  {
    id: 'evaluation',
    view: 'loss-h',
    en: {
      title: `Evaluation: loss, perplexity, BLEU, ROUGE, METEOR`,
      intuition:
        'Measure on text the model never trained on: the validation loss and perplexity for language modelling, and overlap scores against references for tasks.',
      formula: 'perplexity = e^{L_val};  BLEU = BP · exp(Σ wₙ log pₙ)',
      lookFor:
        'The gap between the training and validation curves; in pair mode, exact match next to the softer BLEU, ROUGE-L and METEOR.',
      tryThis: 'Paste a reference under a generation to score it; or evaluate the held-out pairs in pair mode.',
      caveat:
        "Overlap scores reward copying words, not meaning: a correct paraphrase can score low. This page's METEOR counts exact matches only; the original also matches stems and synonyms, so it scores lower here.",
    },
    zh: {
      title: `评估：${G.loss.zh}、${G.perplexity.zh}、BLEU、ROUGE、METEOR`,
      intuition: `要在模型从未训练过的文本上测量：语言建模看验证${G.loss.zh}和${G.perplexity.zh}，具体任务看输出与参考答案的重合程度。`,
      formula: '困惑度 = e^{L_val}；BLEU = BP · exp(Σ wₙ log pₙ)',
      lookFor: `看训练曲线与验证曲线之间的差距；在${G.pairMode.zh}下，把完全匹配和更宽松的 BLEU、ROUGE-L、METEOR 放在一起看。`,
      tryThis: `在生成结果下方粘贴一段参考文本，给它打分；或者在${G.pairMode.zh}下评估留出的${G.pair.zh}。`,
      caveat:
        '重合度得分奖励的是照抄词语，而不是意思对：意思正确的改写也可能得分很低。这里的 METEOR 只算完全相同的匹配，原版还会匹配词干和同义词，所以这里的分数偏低。',
    },
    live: (s, lang) => {
      const e = s.evals.at(-1)
      const last = s.points.at(-1)
      if (!e || !last) return undefined
      return say(
        lang,
        `Now: training loss ${last.loss.toFixed(3)} at step ${last.step}, validation loss ${e.valLoss.toFixed(3)} at step ${e.step} (perplexity ${Math.exp(e.valLoss).toFixed(2)}).`,
        `现在：第 ${last.step} 步训练损失 ${last.loss.toFixed(3)}，第 ${e.step} 步验证损失 ${e.valLoss.toFixed(3)}（困惑度 ${Math.exp(e.valLoss).toFixed(2)}）。`,
      )
    },
  },
]
