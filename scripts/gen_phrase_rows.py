#!/usr/bin/env python3
"""Generate rows of crates/rasad-geo/tests/fixtures/phrases.tsv from the compiled
gazetteer: small localities whose folded name is unique in the whole gazetteer, set in
report frames written for Rasad, with and without their governorate named, and the
governorates of every country of admin1.tsv. Deterministic (sorted, every n-th entry).

usage: scripts/gen_phrase_rows.py [PER_COUNTRY] > rows.tsv
"""
import gzip, re, sys, collections
ROOT = __file__.rsplit('/scripts/', 1)[0]
PER = int(sys.argv[1]) if len(sys.argv) > 1 else 40
DIAC = re.compile('[\u064B-\u0652\u0640\u0670]')

def fold(s):
    s = DIAC.sub('', s)
    for a, b in (('أ', 'ا'), ('إ', 'ا'), ('آ', 'ا'), ('ة', 'ه'), ('ى', 'ي'), ('ؤ', 'و'), ('ئ', 'ي')):
        s = s.replace(a, b)
    return s

def rows(path, opener=open):
    with opener(path, 'rt', encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or line.startswith('id\t') or not line.strip():
                continue
            yield line.rstrip('\n').split('\t')

imported = list(rows(f'{ROOT}/data/gazetteer/imported.tsv.gz', gzip.open))
curated = list(rows(f'{ROOT}/data/gazetteer/places.tsv'))
admin1 = list(rows(f'{ROOT}/data/gazetteer/admin1.tsv'))
names = collections.Counter()
for r in imported + curated:
    names[fold(r[6])] += 1
    for a in (r[7].split(';') if len(r) > 7 and r[7] else []):
        names[fold(a)] += 1
for r in admin1:
    for col in r:
        for a in col.split(';'):
            names[fold(a)] += 5
a1_ar = {}
for r in admin1:
    # country cc admin1 name_ar aliases_ar ...
    if len(r) > 3 and r[0] != 'country':
        a1_ar[(r[0], r[2])] = r[3]

WITH = {
    'Syria': ['قتل مدنيان بقصف مدفعي استهدف قرية {x} بريف {y} أمس', 'اندلعت اشتباكات عنيفة في محيط قرية {x} في ريف {y} الليلة الماضية'],
    'Iraq': ['اعتقلت القوات الأمنية مطلوبين في قرية {x} بمحافظة {y}', 'انفجرت عبوة ناسفة قرب قرية {x} في محافظة {y} صباح اليوم'],
    'Yemen': ['قصفت مدفعية الحوثيين قرية {x} بمحافظة {y} أمس', 'قتل ثلاثة جنود في هجوم على قرية {x} في محافظة {y}'],
    'Egypt': ['تجمهر الأهالي احتجاجا في قرية {x} بمحافظة {y}', 'لقي شخصان مصرعهما في مشاجرة بقرية {x} التابعة لمحافظة {y}'],
    'Lebanon': ['أغارت مسيرة إسرائيلية على بلدة {x} في محافظة {y} أمس', 'سقطت قذائف على أطراف بلدة {x} بمحافظة {y}'],
    'Palestine': ['اقتحمت قوات الاحتلال قرية {x} في محافظة {y} فجر اليوم', 'اندلعت مواجهات في بلدة {x} بمحافظة {y}'],
    'Jordan': ['أحبطت القوات المسلحة تهريب مخدرات قرب قرية {x} في محافظة {y}', 'اعتصم عشرات من أهالي بلدة {x} في محافظة {y} أمس'],
    'Libya': ['اندلعت اشتباكات مسلحة في بلدة {x} بمنطقة {y}', 'سقطت قذائف عشوائية على منطقة {x} في {y}'],
    'Tunisia': ['أغلق محتجون الطريق في قرية {x} من ولاية {y}', 'شهدت بلدة {x} بولاية {y} احتجاجات ليلية'],
    'Sudan': ['هاجمت قوات الدعم السريع قرية {x} بولاية {y} أمس', 'قتل عشرة مدنيين في قصف على بلدة {x} في ولاية {y}'],
    'Somalia': ['هاجم مسلحو الشباب قرية {x} في ولاية {y}', 'انفجرت عبوة ناسفة في بلدة {x} بإقليم {y}'],
}
WITHOUT = ['قتل مدنيان بقصف استهدف قرية {x} أمس', 'داهمت دورية منازل في قرية {x} فجر اليوم', 'اندلعت اشتباكات في بلدة {x} مساء أمس']
STOPWORDS = re.compile(r'^(ال)?(شيخ|سيد|ابو|ام|بني|بيت|كفر|تل|عين|دير|قصر|بير|حي|مخيم|قريه|مدينه|بلده|منطقه)$')
# names that carry a feature word of their own, or open with a word the phrase walk reads
# as something else (a time word, a direction), make rows that test the frame, not the name
LEADS = re.compile(r'^(قريه|مخيم|جبل|جزيره|حي|مدينه|بلده|منطقه|ظهر|علي|محمد|عزبه|كفر)( |$)|(شرقي|غربي|شمالي|جنوبي)$')

out = []
by_country = collections.defaultdict(list)
for r in imported:
    ident, kind, country, a1, a2, en, ar = r[:7]
    f = fold(ar)
    if not a1 or names[f] != 1 or len(f) < 4 or ' ' in f and len(f.split()) > 3:
        continue
    if LEADS.search(f) or (STOPWORDS.match(f.split()[0]) and len(f.split()) == 1):
        continue
    by_country[country].append((f, ar, a1))
for country in sorted(by_country):
    items = sorted(by_country[country])
    step = max(1, len(items) // PER)
    picked = items[::step][:PER]
    frames = WITH.get(country)
    for k, (f, ar, a1) in enumerate(picked):
        y = a1_ar.get((country, a1))
        if frames and y and k % 2 == 0:
            out.append((frames[k // 2 % len(frames)].format(x=ar, y=y), ar, a1))
        else:
            out.append((WITHOUT[k % len(WITHOUT)].format(x=ar), ar, a1))
for text, want, a1 in out:
    print(f'{text}\t{want}\t{a1}\t-\t1')
