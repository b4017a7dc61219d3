# Weekly churn report, written when the analyst preferred R.
scores <- read.csv("data/scores.csv")
summary(scores$score)
hist(scores$score, main = "Churn scores")
